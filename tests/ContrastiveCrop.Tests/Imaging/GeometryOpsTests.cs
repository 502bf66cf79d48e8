using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Imaging;

/// <summary>Resize, flip and blur against hand-computed values and invariants.</summary>
[TestFixture]
public sealed class GeometryOpsTests
{
    /// <summary>An image whose three channels all equal <paramref name="values"/>[y, x].</summary>
    private static RgbImage Grey(int height, int width, Func<int, int, byte> values)
    {
        var pixels = new byte[height * width * 3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            pixels[(y * width + x) * 3] = pixels[(y * width + x) * 3 + 1] = pixels[(y * width + x) * 3 + 2] = values(y, x);
        return new RgbImage(height, width, pixels);
    }

    private static float[] Resize(RgbImage image, CropBox crop, int size, bool flip = false)
    {
        var output = new float[3 * size * size];
        ResizedCrop.Write(image, crop, size, flip, output);
        return output;
    }

    [Test]
    public void Antialiased_downscale_weights_the_triangle_over_twice_the_support()
    {
        // One row 0, 51, 102, 153 (×255: 0, 0.2, 0.4, 0.6) shrunk 4 → 2 along x; scale 2, so the
        // triangle has radius 2. Output 0 is centred at 1.0: inputs 0, 1, 2 at distances 0.5, 0.5,
        // 1.5 → weights 0.75, 0.75, 0.25 (sum 1.75): (0·0.75 + 0.2·0.75 + 0.4·0.25)/1.75 = 0.25/1.75.
        // Output 1 is centred at 3.0: inputs 1, 2, 3 → (0.2·0.25 + 0.4·0.75 + 0.6·0.75)/1.75 = 0.8/1.75.
        var image = Grey(2, 4, (_, x) => (byte)(51 * x));
        var output = new float[3 * 2 * 2];
        ResizedCrop.Write(image, new CropBox(0, 0, 2, 4), 2, false, output);
        Assert.That(output[0], Is.EqualTo(0.25f / 1.75f).Within(1e-6f));
        Assert.That(output[1], Is.EqualTo(0.8f / 1.75f).Within(1e-6f));
    }

    [Test]
    public void Upscaling_is_bilinear_with_half_pixel_centres_and_clamped_edges()
    {
        // Row 0, 255 enlarged 2 → 4: centres at 0.25, 0.75, 1.25, 1.75 in input pixels, i.e. offsets
        // −0.25, 0.25, 0.75, 1.25 from pixel 0's centre → 0, 0.25, 0.75, 1 after clamping.
        var image = Grey(1, 2, (_, x) => (byte)(255 * x));
        var output = Resize(image, new CropBox(0, 0, 1, 2), 4);
        Assert.That(output[..4], Is.EqualTo(new[] { 0f, 0.25f, 0.75f, 1f }).Within(1e-6f));
    }

    [Test]
    public void Resizing_a_crop_to_its_own_size_copies_it_and_flip_mirrors_it()
    {
        var image = Grey(6, 6, (y, x) => (byte)(y * 40 + x * 3));
        var crop = new CropBox(1, 2, 3, 3);
        var output = Resize(image, crop, 3);
        var flipped = Resize(image, crop, 3, flip: true);
        for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++)
        {
            float expected = ((1 + y) * 40 + (2 + x) * 3) / 255f;
            Assert.That(output[y * 3 + x], Is.EqualTo(expected).Within(1e-6f));
            Assert.That(flipped[y * 3 + (2 - x)], Is.EqualTo(expected).Within(1e-6f));
        }
    }

    [Test]
    public void A_constant_image_stays_constant_at_any_scale()
    {
        var image = Grey(37, 53, (_, _) => 200);
        foreach (int size in new[] { 5, 32, 100 })
            Assert.That(Resize(image, new CropBox(3, 4, 30, 41), size), Is.All.EqualTo(200f / 255f).Within(1e-5f));
    }

    [Test]
    public void Resize_never_reads_outside_the_crop()
    {
        // Bright outside, dark inside: any tap outside the crop would raise the output above 0.
        var image = Grey(20, 20, (y, x) => (byte)(y is >= 5 and < 15 && x is >= 5 and < 15 ? 0 : 255));
        Assert.That(Resize(image, new CropBox(5, 5, 10, 10), 3), Is.All.EqualTo(0f));
    }

    [Test]
    public void Flipping_twice_is_the_identity_and_once_mirrors_rows()
    {
        var image = Enumerable.Range(0, 3 * 2 * 3).Select(i => (float)i).ToArray();
        var flipped = (float[])image.Clone();
        HorizontalFlip.Apply(flipped, 2, 3);
        Assert.That(flipped[..3], Is.EqualTo(new[] { 2f, 1f, 0f }));
        HorizontalFlip.Apply(flipped, 2, 3);
        Assert.That(flipped, Is.EqualTo(image));
    }

    [Test]
    public void Blur_kernel_is_the_normalised_gaussian()
    {
        // k = 3, σ = 1: weights e^−0.5, 1, e^−0.5 over 1 + 2e^−0.5 = 2.2130613.
        var kernel = GaussianBlur.Kernel(3, 1.0);
        double side = Math.Exp(-0.5) / (1 + 2 * Math.Exp(-0.5));
        Assert.That(kernel, Is.EqualTo(new[] { (float)side, (float)(1 - 2 * side), (float)side }).Within(1e-7f));
        foreach (var (size, sigma) in new[] { (23, 0.1), (23, 2.0), (3, 0.5), (9, 1.7) })
            Assert.That(GaussianBlur.Kernel(size, sigma).Sum(), Is.EqualTo(1f).Within(1e-6f));
    }

    [Test]
    public void Blur_kernel_size_is_a_tenth_of_the_side_made_odd()
    {
        Assert.That(GaussianBlur.KernelSizeFor(224), Is.EqualTo(23)); // BYOL's 23 at 224 px
        Assert.That(GaussianBlur.KernelSizeFor(96), Is.EqualTo(11)); // round(9.6) = 10 → 11
        Assert.That(GaussianBlur.KernelSizeFor(32), Is.EqualTo(3));
    }

    [Test]
    public void Blur_keeps_a_constant_image_and_spreads_an_impulse_by_the_kernel()
    {
        var constant = Enumerable.Repeat(0.3f, 3 * 8 * 8).ToArray();
        GaussianBlur.Apply(constant, 8, 8, 5, 1.3);
        Assert.That(constant, Is.All.EqualTo(0.3f).Within(1e-6f));

        var impulse = new float[3 * 7 * 7];
        impulse[3 * 7 + 3] = 1; // centre of the red plane
        GaussianBlur.Apply(impulse, 7, 7, 3, 1.0);
        var k = GaussianBlur.Kernel(3, 1.0);
        for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++)
            Assert.That(impulse[(2 + y) * 7 + 2 + x], Is.EqualTo(k[y] * k[x]).Within(1e-7f));
        Assert.That(impulse.Sum(), Is.EqualTo(1f).Within(1e-6f));
    }

    [Test]
    public void Blur_pads_by_reflection_without_repeating_the_edge()
    {
        // Row 1, 0, 0 (one channel shown): reflect padding puts 0 left of the 1 (mirror of index 1),
        // so the first output is k0·0 + k1·1 + k2·0 = k1.
        var image = new float[3 * 3 * 3];
        for (int y = 0; y < 3; y++) image[y * 3] = 1;
        GaussianBlur.Apply(image, 3, 3, 3, 1.0);
        var k = GaussianBlur.Kernel(3, 1.0);
        Assert.That(image[3], Is.EqualTo(k[1]).Within(1e-6f));
    }
}
