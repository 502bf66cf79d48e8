using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Imaging;

/// <summary>The pointwise colour ops against hand-computed values and invariants.</summary>
[TestFixture]
public sealed class ColorOpsTests
{
    /// <summary>A CHW buffer of one pixel per (r, g, b) triple.</summary>
    private static float[] Pixels(params (float R, float G, float B)[] pixels)
    {
        int n = pixels.Length;
        var chw = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            chw[i] = pixels[i].R;
            chw[n + i] = pixels[i].G;
            chw[2 * n + i] = pixels[i].B;
        }
        return chw;
    }

    private static float[] RandomImage(int plane, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 3 * plane).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [Test]
    public void Grayscale_uses_the_601_luma_weights()
    {
        var chw = Pixels((1, 0, 0), (0, 1, 0), (0, 0, 1), (0.5f, 0.25f, 1));
        Grayscale.Apply(chw, 4);
        // 0.5·0.299 + 0.25·0.587 + 1·0.114 = 0.1495 + 0.14675 + 0.114 = 0.41025
        float[] luma = [0.299f, 0.587f, 0.114f, 0.41025f];
        for (int c = 0; c < 3; c++)
            Assert.That(chw.Skip(4 * c).Take(4), Is.EqualTo(luma).Within(1e-6f));
    }

    [Test]
    public void Hue_rotation_by_zero_is_the_identity()
    {
        var image = RandomImage(64, 1);
        var rotated = (float[])image.Clone();
        ColorAdjust.Hue(rotated, 64, 0f);
        Assert.That(rotated, Is.EqualTo(image).Within(1e-6f));
    }

    [Test]
    public void Hue_rotation_moves_primaries_around_the_colour_wheel()
    {
        // Red is at hue 0: +1/3 turn gives green, −1/3 gives blue, ±1/2 gives cyan.
        var green = Pixels((1, 0, 0));
        ColorAdjust.Hue(green, 1, 1f / 3);
        Assert.That(green, Is.EqualTo(new[] { 0f, 1f, 0f }).Within(1e-6f));
        var blue = Pixels((1, 0, 0));
        ColorAdjust.Hue(blue, 1, -1f / 3);
        Assert.That(blue, Is.EqualTo(new[] { 0f, 0f, 1f }).Within(1e-6f));
        var cyan = Pixels((0.8f, 0.2f, 0.2f));
        ColorAdjust.Hue(cyan, 1, 0.5f);
        // h 0 → 0.5; s = 0.6/0.8 = 0.75, v = 0.8 → (v(1−s), v, v) = (0.2, 0.8, 0.8).
        Assert.That(cyan, Is.EqualTo(new[] { 0.2f, 0.8f, 0.8f }).Within(1e-6f));
    }

    [Test]
    public void Brightness_scales_and_clamps()
    {
        var chw = Pixels((0.2f, 0.6f, 1f));
        ColorAdjust.Brightness(chw, 1.5f);
        Assert.That(chw, Is.EqualTo(new[] { 0.3f, 0.9f, 1f }).Within(1e-6f));
    }

    [Test]
    public void Contrast_zero_gives_the_mean_luma_everywhere()
    {
        var chw = Pixels((1, 0, 0), (0, 0, 1));
        ColorAdjust.Contrast(chw, 2, 0f);
        // mean luma = (0.299 + 0.114) / 2 = 0.2065
        Assert.That(chw, Is.All.EqualTo(0.2065f).Within(1e-6f));
    }

    [Test]
    public void Contrast_two_doubles_the_distance_from_the_mean_luma()
    {
        var chw = Pixels((0.5f, 0.5f, 0.5f), (0.3f, 0.3f, 0.3f));
        ColorAdjust.Contrast(chw, 2, 2f);
        // mean 0.4: 0.4 + 2·(0.5 − 0.4) = 0.6; 0.4 + 2·(0.3 − 0.4) = 0.2
        Assert.That(chw, Is.EqualTo(new[] { 0.6f, 0.2f, 0.6f, 0.2f, 0.6f, 0.2f }).Within(1e-6f));
    }

    [Test]
    public void Saturation_zero_is_grayscale_and_one_is_the_identity()
    {
        var image = RandomImage(16, 2);
        var grey = (float[])image.Clone();
        Grayscale.Apply(grey, 16);
        var desaturated = (float[])image.Clone();
        ColorAdjust.Saturation(desaturated, 16, 0f);
        Assert.That(desaturated, Is.EqualTo(grey).Within(1e-6f));
        var same = (float[])image.Clone();
        ColorAdjust.Saturation(same, 16, 1f);
        Assert.That(same, Is.EqualTo(image).Within(1e-6f));
    }

    [Test]
    public void Solarize_inverts_values_at_or_above_the_threshold()
    {
        float[] values = [0.2f, 0.5f, 0.7f, 1f];
        Solarize.Apply(values);
        Assert.That(values, Is.EqualTo(new[] { 0.2f, 0.5f, 0.3f, 0f }).Within(1e-6f));
    }

    [Test]
    public void Normalize_subtracts_the_mean_and_divides_by_the_std_per_channel()
    {
        var chw = Pixels((0.5f, 0.5f, 0.5f));
        Normalization.ImageNet.Apply(chw, 1);
        // (0.5 − 0.485)/0.229, (0.5 − 0.456)/0.224, (0.5 − 0.406)/0.225
        Assert.That(chw, Is.EqualTo(new[] { 0.015f / 0.229f, 0.044f / 0.224f, 0.094f / 0.225f }).Within(1e-5f));
    }

    [Test]
    public void Color_jitter_with_zero_strengths_changes_nothing_and_draws_stay_in_range()
    {
        var image = RandomImage(25, 3);
        var jittered = (float[])image.Clone();
        new ColorJitter(0, 0, 0, 0).Apply(jittered, 25, new Random(1));
        Assert.That(jittered, Is.EqualTo(image));
        var strong = (float[])image.Clone();
        new ColorJitter(0.8f, 0.8f, 0.8f, 0.2f).Apply(strong, 25, new Random(2));
        Assert.That(strong, Is.All.InRange(0f, 1f));
        Assert.That(strong, Is.Not.EqualTo(image));
    }
}
