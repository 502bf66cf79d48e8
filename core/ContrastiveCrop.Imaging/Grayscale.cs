namespace ContrastiveCrop.Imaging;

/// <summary>
/// ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B (PIL's "L" conversion, which torchvision's
/// Grayscale uses on images), on CHW float buffers.
/// </summary>
public static class Grayscale
{
    /// <summary>Red weight.</summary>
    public const float R = 0.299f;
    /// <summary>Green weight.</summary>
    public const float G = 0.587f;
    /// <summary>Blue weight.</summary>
    public const float B = 0.114f;

    /// <summary>Luma of one pixel.</summary>
    public static float Luma(float r, float g, float b) => R * r + G * g + B * b;

    /// <summary>Replaces every pixel by its luma in all three channels (3-channel output, like num_output_channels = 3).</summary>
    public static void Apply(Span<float> chw, int plane)
    {
        var red = chw[..plane];
        var green = chw.Slice(plane, plane);
        var blue = chw.Slice(2 * plane, plane);
        for (int i = 0; i < plane; i++)
        {
            float l = Luma(red[i], green[i], blue[i]);
            red[i] = l;
            green[i] = l;
            blue[i] = l;
        }
    }

    /// <summary>Mean luma of the image (the grey level torchvision's contrast adjustment blends towards).</summary>
    public static float Mean(ReadOnlySpan<float> chw, int plane)
    {
        double sum = 0;
        for (int i = 0; i < plane; i++) sum += Luma(chw[i], chw[plane + i], chw[2 * plane + i]);
        return (float)(sum / plane);
    }
}
