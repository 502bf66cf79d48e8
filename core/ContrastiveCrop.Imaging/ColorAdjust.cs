namespace ContrastiveCrop.Imaging;

/// <summary>
/// torchvision's four colour adjustments (functional <c>adjust_brightness</c>, <c>adjust_contrast</c>,
/// <c>adjust_saturation</c>, <c>adjust_hue</c>) on CHW float images in [0, 1], in place. The results
/// are clamped to [0, 1] after each adjustment, as torchvision's blend does.
/// </summary>
public static class ColorAdjust
{
    /// <summary>x ← clamp(factor·x): blends with black.</summary>
    public static void Brightness(Span<float> chw, float factor)
    {
        for (int i = 0; i < chw.Length; i++) chw[i] = Math.Clamp(chw[i] * factor, 0f, 1f);
    }

    /// <summary>x ← clamp(factor·x + (1 − factor)·m), m the mean luma of the whole image.</summary>
    public static void Contrast(Span<float> chw, int plane, float factor)
    {
        float offset = (1 - factor) * Grayscale.Mean(chw, plane);
        for (int i = 0; i < chw.Length; i++) chw[i] = Math.Clamp(factor * chw[i] + offset, 0f, 1f);
    }

    /// <summary>x ← clamp(factor·x + (1 − factor)·luma(pixel)): 0 gives grey, 1 the image, &gt; 1 more colour.</summary>
    public static void Saturation(Span<float> chw, int plane, float factor)
    {
        var red = chw[..plane];
        var green = chw.Slice(plane, plane);
        var blue = chw.Slice(2 * plane, plane);
        float keep = 1 - factor;
        for (int i = 0; i < plane; i++)
        {
            float grey = keep * Grayscale.Luma(red[i], green[i], blue[i]);
            red[i] = Math.Clamp(factor * red[i] + grey, 0f, 1f);
            green[i] = Math.Clamp(factor * green[i] + grey, 0f, 1f);
            blue[i] = Math.Clamp(factor * blue[i] + grey, 0f, 1f);
        }
    }

    /// <summary>
    /// Rotates every pixel's hue by <paramref name="shift"/> turns (in [−0.5, 0.5]) through RGB → HSV →
    /// RGB with torchvision's formulas; saturation and value are kept.
    /// </summary>
    public static void Hue(Span<float> chw, int plane, float shift)
    {
        if (shift is < -0.5f or > 0.5f) throw new ArgumentOutOfRangeException(nameof(shift), shift, "Hue shift must be in [-0.5, 0.5].");
        var red = chw[..plane];
        var green = chw.Slice(plane, plane);
        var blue = chw.Slice(2 * plane, plane);
        for (int i = 0; i < plane; i++)
        {
            float r = red[i], g = green[i], b = blue[i];
            float max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
            float chroma = max - min;
            if (chroma == 0) continue; // grey: hue undefined, rotation changes nothing
            float s = chroma / max;
            float rc = (max - r) / chroma, gc = (max - g) / chroma, bc = (max - b) / chroma;
            float h = max == r ? bc - gc : max == g ? 2f + rc - bc : 4f + gc - rc;
            h = h / 6f + 1f + shift;
            h -= MathF.Floor(h);
            (red[i], green[i], blue[i]) = HsvToRgb(h, s, max);
        }
    }

    /// <summary>torchvision's _hsv2rgb for one pixel (h in [0, 1)).</summary>
    private static (float R, float G, float B) HsvToRgb(float h, float s, float v)
    {
        float sector = MathF.Floor(h * 6f);
        float f = h * 6f - sector;
        int i = ((int)sector % 6 + 6) % 6;
        float p = Math.Clamp(v * (1f - s), 0f, 1f);
        float q = Math.Clamp(v * (1f - s * f), 0f, 1f);
        float t = Math.Clamp(v * (1f - s * (1f - f)), 0f, 1f);
        return i switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }
}
