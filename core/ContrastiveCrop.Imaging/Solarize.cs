namespace ContrastiveCrop.Imaging;

/// <summary>torchvision's solarize on [0, 1] values: every value at or above the threshold is inverted (1 − x).</summary>
public static class Solarize
{
    /// <summary>Solarizes <paramref name="values"/> in place; BYOL uses threshold 0.5 (128 of 255).</summary>
    public static void Apply(Span<float> values, float threshold = 0.5f)
    {
        for (int i = 0; i < values.Length; i++)
            if (values[i] >= threshold) values[i] = 1f - values[i];
    }
}
