namespace ContrastiveCrop.Engine.Training;

/// <summary>Linear warm-up from 0 to the peak, then cosine decay to 0, evaluated per step.</summary>
/// <param name="Peak">Learning rate at the end of warm-up.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="TotalSteps">All steps of the run.</param>
public sealed record LearningRateSchedule(double Peak, long WarmupSteps, long TotalSteps)
{
    /// <summary>The rate for step <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return Peak * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(progress, 0, 1)));
    }
}
