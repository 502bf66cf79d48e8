namespace ContrastiveCrop.Cli.Comparison;

/// <summary>Mean and sample standard deviation of some values.</summary>
/// <param name="N">How many.</param>
/// <param name="Mean">Their mean (NaN when none).</param>
/// <param name="Sd">Sample standard deviation, n − 1 in the denominator (NaN below 2 values).</param>
internal readonly record struct Spread(int N, double Mean, double Sd)
{
    /// <summary>The spread of <paramref name="values"/>.</summary>
    public static Spread Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return new Spread(0, double.NaN, double.NaN);
        double mean = values.Average();
        double sd = values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new Spread(values.Count, mean, sd);
    }
}

/// <summary>
/// The paired difference of a setting to the baseline over the seeds both have: mean difference and
/// its confidence interval from Student's t with n − 1 degrees of freedom. Pairing by seed removes
/// what the seed does to both (data order, initialisation), which is most of the run-to-run spread.
/// </summary>
/// <param name="Differences">Per seed: setting minus baseline.</param>
/// <param name="Spread">Mean and sd of the differences.</param>
/// <param name="Low">Lower end of the interval (NaN below 2 pairs).</param>
/// <param name="High">Upper end of the interval (NaN below 2 pairs).</param>
internal sealed record PairedDifference(IReadOnlyList<double> Differences, Spread Spread, double Low, double High)
{
    /// <summary>The confidence of the intervals the comparison reports.</summary>
    public const double Confidence = 0.95;

    /// <summary>The paired difference <paramref name="setting"/> − <paramref name="baseline"/>, by seed.</summary>
    public static PairedDifference Of(IReadOnlyDictionary<long, double> setting, IReadOnlyDictionary<long, double> baseline)
    {
        var differences = setting.Keys.Where(baseline.ContainsKey).Order().Select(s => setting[s] - baseline[s]).ToList();
        var spread = Spread.Of(differences);
        if (spread.N < 2) return new PairedDifference(differences, spread, double.NaN, double.NaN);
        double half = StudentT.TwoSidedCritical(Confidence, spread.N - 1) * spread.Sd / Math.Sqrt(spread.N);
        return new PairedDifference(differences, spread, spread.Mean - half, spread.Mean + half);
    }
}
