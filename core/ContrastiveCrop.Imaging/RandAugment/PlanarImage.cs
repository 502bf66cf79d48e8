using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging.RandAugment;

/// <summary>
/// Round trip between the pipeline's planar [0, 1] floats (CHW) and an 8-bit RGB image, so the
/// PIL-style 8-bit operations can run inside a float pipeline.
/// </summary>
public static class PlanarImage
{
    /// <summary>Quantises <paramref name="planes"/> (3 × size²) to 8 bits, applies <paramref name="operation"/>, and writes the result back.</summary>
    public static void Apply(Span<float> planes, int size, Func<RgbImage, RgbImage> operation)
    {
        int plane = size * size;
        var pixels = new byte[3 * plane];
        for (int c = 0; c < 3; c++)
        for (int i = 0; i < plane; i++)
            pixels[i * 3 + c] = (byte)Math.Clamp((int)MathF.Round(planes[c * plane + i] * 255f), 0, 255);
        var result = operation(new RgbImage(size, size, pixels)).Pixels;
        for (int c = 0; c < 3; c++)
        for (int i = 0; i < plane; i++)
            planes[c * plane + i] = result[i * 3 + c] / 255f;
    }
}
