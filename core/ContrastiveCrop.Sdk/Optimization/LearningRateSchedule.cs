namespace ContrastiveCrop.Sdk.Optimization;

/// <summary>
/// The learning rate of every training stage, evaluated per optimiser step: an optional linear warm-up,
/// then cosine decay to 0 (pretraining, as the official SimCLR/MoCo v2 code) or steps ×γ at milestones
/// (detectron2's WarmupMultiStepLR; the linear probe's ×0.1 at epochs 60 and 80).
/// </summary>
/// <param name="Peak">Learning rate after warm-up (before any milestone).</param>
/// <param name="TotalSteps">All steps of the stage (the cosine reaches 0 there).</param>
public sealed record LearningRateSchedule(double Peak, long TotalSteps)
{
    /// <summary>Steps of linear warm-up.</summary>
    public long WarmupSteps { get; init; }

    /// <summary>
    /// The warm-up's form. Null: PyTorch-style ramp peak·(s+1)/W, so the first step already trains.
    /// A value f: detectron2's ramp from f·peak, factor f·(1 − s/W) + s/W.
    /// </summary>
    public double? WarmupStartFactor { get; init; }

    /// <summary>Steps at which the rate is multiplied by <see cref="Gamma"/>; null for cosine decay.</summary>
    public IReadOnlyList<long>? Milestones { get; init; }

    /// <summary>Factor applied at each milestone passed.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Warm-up then cosine decay to 0.</summary>
    public static LearningRateSchedule Cosine(double peak, long totalSteps, long warmupSteps = 0) =>
        new(peak, totalSteps) { WarmupSteps = warmupSteps };

    /// <summary>Warm-up from <paramref name="warmupStartFactor"/>·peak, then ×<paramref name="gamma"/> at each milestone.</summary>
    public static LearningRateSchedule MultiStep(double peak, long totalSteps, IEnumerable<long> milestones, double gamma,
                                                 long warmupSteps = 0, double warmupStartFactor = 0.001) =>
        new(peak, totalSteps) { Milestones = milestones.ToArray(), Gamma = gamma, WarmupSteps = warmupSteps, WarmupStartFactor = warmupStartFactor };

    /// <summary>The rate for step <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        if (Milestones is { } milestones)
        {
            double factor = 1;
            if (step < WarmupSteps)
            {
                double alpha = (double)step / WarmupSteps;
                double start = WarmupStartFactor ?? 0;
                factor = start * (1 - alpha) + alpha;
            }
            return Peak * factor * Math.Pow(Gamma, milestones.Count(m => m <= step));
        }
        if (step < WarmupSteps)
            return WarmupStartFactor is { } f
                ? Peak * (f * (1 - (double)step / WarmupSteps) + (double)step / WarmupSteps)
                : Peak * (step + 1) / WarmupSteps;
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return Peak * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(progress, 0, 1)));
    }
}
