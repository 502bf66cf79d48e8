namespace ContrastiveCrop.Imaging.Localization;

/// <summary>Otsu's threshold for values in [0, 1]: the split of a 256-bin histogram that maximises the between-class variance.</summary>
public static class OtsuThreshold
{
    private const int Bins = 256;

    /// <summary>
    /// The threshold separating the two classes: values above it are the foreground. It is the upper
    /// edge of the last background bin, so a value exactly on it counts as background.
    /// </summary>
    public static float Of(ReadOnlySpan<float> values)
    {
        Span<long> histogram = stackalloc long[Bins];
        foreach (float v in values) histogram[Math.Clamp((int)(v * Bins), 0, Bins - 1)]++;
        double total = values.Length, weightedSum = 0;
        for (int i = 0; i < Bins; i++) weightedSum += i * (double)histogram[i];
        double backgroundCount = 0, backgroundSum = 0, bestVariance = -1;
        int bestBin = Bins - 1;
        for (int t = 0; t < Bins - 1; t++)
        {
            backgroundCount += histogram[t];
            backgroundSum += t * (double)histogram[t];
            double foregroundCount = total - backgroundCount;
            if (backgroundCount == 0) continue;
            if (foregroundCount == 0) break;
            double meanDifference = backgroundSum / backgroundCount - (weightedSum - backgroundSum) / foregroundCount;
            double variance = backgroundCount * foregroundCount * meanDifference * meanDifference;
            if (variance > bestVariance)
            {
                bestVariance = variance;
                bestBin = t;
            }
        }
        return (float)(bestBin + 1) / Bins;
    }
}
