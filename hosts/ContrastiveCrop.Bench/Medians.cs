namespace ContrastiveCrop.Bench;

/// <summary>The statistic the benches report over interleaved rounds: robust to a round disturbed by load.</summary>
internal static class Medians
{
    /// <summary>The upper median of <paramref name="values"/> (the middle one of an odd count); NaN when empty.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
