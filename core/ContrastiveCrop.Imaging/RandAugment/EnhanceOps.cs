using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging.RandAugment;

/// <summary>
/// PIL's ImageEnhance operations: each blends the image with a "degenerate" version,
/// out = degenerate + factor · (image − degenerate), truncated to 8 bits; factor 1 is the identity.
/// </summary>
public static class EnhanceOps
{
    /// <summary>Saturation: the degenerate image is the image's grey level in all three channels.</summary>
    public static RgbImage Color(RgbImage image, double factor)
    {
        var p = image.Pixels;
        var grey = new byte[p.Length];
        for (int i = 0; i < p.Length; i += 3) grey[i] = grey[i + 1] = grey[i + 2] = Luma(p[i], p[i + 1], p[i + 2]);
        return Blend(grey, image, factor);
    }

    /// <summary>Contrast: the degenerate image is flat, at the rounded mean grey level.</summary>
    public static RgbImage Contrast(RgbImage image, double factor)
    {
        var p = image.Pixels;
        long sum = 0;
        for (int i = 0; i < p.Length; i += 3) sum += Luma(p[i], p[i + 1], p[i + 2]);
        byte mean = (byte)(int)((double)sum / (p.Length / 3) + 0.5);
        return Blend(Enumerable.Repeat(mean, p.Length).ToArray(), image, factor);
    }

    /// <summary>Brightness: the degenerate image is black.</summary>
    public static RgbImage Brightness(RgbImage image, double factor) => Blend(new byte[image.Pixels.Length], image, factor);

    /// <summary>
    /// Sharpness: the degenerate image is PIL's SMOOTH filter (3×3 kernel 1,1,1 / 1,5,1 / 1,1,1 over 13),
    /// with the one-pixel border left as it is.
    /// </summary>
    public static RgbImage Sharpness(RgbImage image, double factor)
    {
        int h = image.Height, w = image.Width;
        var p = image.Pixels;
        var smooth = (byte[])p.Clone();
        for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++)
        for (int c = 0; c < 3; c++)
        {
            int sum = 4 * p[(y * w + x) * 3 + c];
            for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
                sum += p[((y + dy) * w + x + dx) * 3 + c];
            smooth[(y * w + x) * 3 + c] = (byte)Math.Clamp((int)(sum / 13.0 + 0.5), 0, 255);
        }
        return Blend(smooth, image, factor);
    }

    /// <summary>ITU-R 601-2 luma with PIL's fixed-point rounding.</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    private static RgbImage Blend(byte[] degenerate, RgbImage image, double factor)
    {
        var p = image.Pixels;
        var result = new byte[p.Length];
        for (int i = 0; i < p.Length; i++)
            result[i] = (byte)Math.Clamp((int)(degenerate[i] + factor * (p[i] - degenerate[i])), 0, 255);
        return new RgbImage(image.Height, image.Width, result);
    }
}
