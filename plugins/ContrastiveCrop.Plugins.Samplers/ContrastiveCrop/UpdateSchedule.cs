namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>
/// When ContrastiveCrop recomputes its boxes: at the ends of the epochs where training crosses a
/// multiple of the interval (a fraction of all epochs, or a number of epochs), never before the
/// warm-up and never after the last epoch (those boxes would never be used). Every 20% of 100 epochs:
/// after epochs 20, 40, 60, 80.
/// </summary>
/// <param name="Fraction">Interval as a fraction of training; used when <paramref name="Epochs"/> is null.</param>
/// <param name="Epochs">Interval in epochs, or null.</param>
/// <param name="WarmupEpochs">No update before this many epochs are done.</param>
public sealed record UpdateSchedule(double Fraction, int? Epochs, int WarmupEpochs)
{
    /// <summary>True when boxes are due after <paramref name="completedEpochs"/> of <paramref name="totalEpochs"/>.</summary>
    public bool IsDue(int completedEpochs, int totalEpochs)
    {
        if (completedEpochs < Math.Max(1, WarmupEpochs) || completedEpochs >= totalEpochs) return false;
        if (Epochs is int every) return completedEpochs % every == 0;
        double interval = Fraction * totalEpochs;
        // An interval crossing lies in (e − 1, e]; the tolerance keeps 20 / (0.2 · 100) from landing just below 1.
        const double tolerance = 1e-9;
        return Math.Floor(completedEpochs / interval + tolerance) > Math.Floor((completedEpochs - 1) / interval + tolerance);
    }
}
