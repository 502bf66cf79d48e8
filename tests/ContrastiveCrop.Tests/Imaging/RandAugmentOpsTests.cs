using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging.RandAugment;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Imaging;

[TestFixture]
public sealed class RandAugmentOpsTests
{
    /// <summary>An image whose three channels all hold <paramref name="values"/> (row-major).</summary>
    private static RgbImage Grey(int height, int width, params byte[] values) =>
        new(height, width, values.SelectMany(v => new[] { v, v, v }).ToArray());

    private static byte[] Channel(RgbImage image, int channel) => image.Pixels.Where((_, i) => i % 3 == channel).ToArray();

    private static RgbImage Random(int height, int width, int seed)
    {
        var pixels = new byte[height * width * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(height, width, pixels);
    }

    [Test]
    public void Identity_and_zero_magnitude_geometric_ops_leave_the_image_unchanged()
    {
        var image = Random(5, 7, 1);
        foreach (var op in new[] { RandAugmentOp.Identity, RandAugmentOp.Rotate, RandAugmentOp.ShearX, RandAugmentOp.ShearY, RandAugmentOp.TranslateX, RandAugmentOp.TranslateY })
            Assert.That(RandAugmenter.Apply(image, op, magnitude: 0, sign: 1).Pixels, Is.EqualTo(image.Pixels), op.ToString());
    }

    [Test]
    public void Rotating_by_90_degrees_turns_the_image_counter_clockwise()
    {
        // [a b; c d] rotated counter-clockwise is [b d; a c].
        var rotated = GeometryOps.Rotate(Grey(2, 2, 1, 2, 3, 4), 90);
        Assert.That(Channel(rotated, 0), Is.EqualTo(new byte[] { 2, 4, 1, 3 }));
    }

    [Test]
    public void Four_quarter_turns_are_the_identity()
    {
        var image = Random(6, 6, 2);
        var turned = image;
        for (int i = 0; i < 4; i++) turned = GeometryOps.Rotate(turned, 90);
        Assert.That(turned.Pixels, Is.EqualTo(image.Pixels));
    }

    [Test]
    public void Translation_shifts_content_and_fills_with_grey()
    {
        // Input x = x + 1: [a b c] becomes [b c fill].
        var shifted = GeometryOps.TranslateX(Grey(1, 3, 10, 20, 30), 1);
        Assert.That(Channel(shifted, 0), Is.EqualTo(new byte[] { 20, 30, GeometryOps.Fill }));
    }

    [Test]
    public void Solarize_inverts_only_values_at_or_above_the_threshold()
    {
        var solarized = LookupOps.Solarize(Grey(1, 4, 100, 127, 128, 200), 128);
        Assert.That(Channel(solarized, 0), Is.EqualTo(new byte[] { 100, 127, 127, 55 }));
    }

    [Test]
    public void Solarize_at_full_magnitude_inverts_everything()
    {
        var image = Random(3, 3, 3);
        var solarized = RandAugmenter.Apply(image, RandAugmentOp.Solarize, 10, 1);
        Assert.That(solarized.Pixels, Is.EqualTo(image.Pixels.Select(p => (byte)(255 - p)).ToArray()));
    }

    [Test]
    public void Posterize_keeps_the_top_bits()
    {
        // 183 = 0b1011_0111: 4 bits → 0b1011_0000 = 176, 1 bit → 128.
        Assert.That(Channel(LookupOps.Posterize(Grey(1, 1, 183), 4), 0), Is.EqualTo(new byte[] { 176 }));
        Assert.That(Channel(LookupOps.Posterize(Grey(1, 1, 183), 1), 0), Is.EqualTo(new byte[] { 128 }));
        Assert.That(LookupOps.Posterize(Random(2, 2, 4), 8).Pixels, Is.EqualTo(Random(2, 2, 4).Pixels));
    }

    [Test]
    public void AutoContrast_stretches_each_channel_to_the_full_range()
    {
        // Levels 50..150: scale 2.55, offset −127.5: 50 → 0, 100 → int(127.5) = 127, 150 → 255.
        Assert.That(Channel(LookupOps.AutoContrast(Grey(1, 3, 50, 100, 150)), 1), Is.EqualTo(new byte[] { 0, 127, 255 }));
    }

    [Test]
    public void Equalize_spreads_two_equal_populations_to_the_extremes()
    {
        // 300 pixels at 10 and 300 at 20: step = (600 − 300) / 255 = 1; 10 → 0 pixels below = 0, 20 → 300 → 255.
        var values = Enumerable.Repeat((byte)10, 300).Concat(Enumerable.Repeat((byte)20, 300)).ToArray();
        var equalized = Channel(LookupOps.Equalize(Grey(20, 30, values)), 2);
        Assert.That(equalized.Distinct().Order(), Is.EqualTo(new byte[] { 0, 255 }));
        Assert.That(equalized[0], Is.EqualTo(0));
    }

    [Test]
    public void Equalize_leaves_a_single_level_image_alone()
    {
        var flat = Grey(2, 2, 77, 77, 77, 77);
        Assert.That(LookupOps.Equalize(flat).Pixels, Is.EqualTo(flat.Pixels));
    }

    [Test]
    public void Colour_factor_zero_gives_PIL_luma_grey()
    {
        // Pure red: (255·19595 + 0x8000) >> 16 = 5029493 >> 16 = 76.
        var grey = EnhanceOps.Color(new RgbImage(1, 1, [255, 0, 0]), 0);
        Assert.That(grey.Pixels, Is.EqualTo(new byte[] { 76, 76, 76 }));
    }

    [Test]
    public void Brightness_scales_towards_black_and_truncates()
    {
        // 201 · 0.5 = 100.5 → 100; 3 · 0.5 = 1.5 → 1.
        Assert.That(Channel(EnhanceOps.Brightness(Grey(1, 2, 201, 3), 0.5), 0), Is.EqualTo(new byte[] { 100, 1 }));
    }

    [Test]
    public void Contrast_factor_zero_gives_the_rounded_mean_grey()
    {
        // Grey levels 10, 20, 31: mean 20.33 → 20.
        Assert.That(Channel(EnhanceOps.Contrast(Grey(1, 3, 10, 20, 31), 0), 0), Is.EqualTo(new byte[] { 20, 20, 20 }));
    }

    [Test]
    public void Enhancements_with_factor_one_are_the_identity()
    {
        var image = Random(5, 5, 5);
        Assert.That(EnhanceOps.Color(image, 1).Pixels, Is.EqualTo(image.Pixels));
        Assert.That(EnhanceOps.Contrast(image, 1).Pixels, Is.EqualTo(image.Pixels));
        Assert.That(EnhanceOps.Brightness(image, 1).Pixels, Is.EqualTo(image.Pixels));
        Assert.That(EnhanceOps.Sharpness(image, 1).Pixels, Is.EqualTo(image.Pixels));
    }

    [Test]
    public void Sharpness_smooths_the_interior_and_keeps_the_border()
    {
        // A 3×3 image with 130 in the centre and 0 around: SMOOTH gives (5·130)/13 = 50 in the centre.
        var image = Grey(3, 3, 0, 0, 0, 0, 130, 0, 0, 0, 0);
        var smoothed = Channel(EnhanceOps.Sharpness(image, 0), 0);
        Assert.That(smoothed, Is.EqualTo(new byte[] { 0, 0, 0, 0, 50, 0, 0, 0, 0 }));
    }

    [Test]
    public void RandAugment_with_no_ops_is_the_identity_and_is_reproducible_from_its_seed()
    {
        var image = Random(8, 8, 6);
        Assert.That(new RandAugmenter(0, 10).Apply(image, new Random(1)).Pixels, Is.EqualTo(image.Pixels));
        var augmenter = new RandAugmenter(5, 10);
        Assert.That(augmenter.Apply(image, new Random(7)).Pixels, Is.EqualTo(augmenter.Apply(image, new Random(7)).Pixels));
    }
}
