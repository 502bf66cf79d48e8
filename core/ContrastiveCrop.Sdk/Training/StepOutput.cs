using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Training;

/// <summary>What a stage's forward pass gives the loop for one optimiser step.</summary>
/// <param name="Loss">The scalar loss to minimise (the sum of <see cref="Parts"/> when there are several terms).</param>
/// <param name="Images">Images in the batch, for throughput.</param>
public sealed record StepOutput(Tensor Loss, int Images)
{
    /// <summary>Named loss terms (e.g. <c>loss_cls</c>, <c>loss_rpn_loc</c>), logged as window means; null for a single term.</summary>
    public IReadOnlyDictionary<string, Tensor>? Parts { get; init; }

    /// <summary>Scalars averaged over the epoch and logged with it (e.g. <c>positive_similarity</c>); null for none.</summary>
    public IReadOnlyDictionary<string, Tensor>? Observations { get; init; }
}

/// <summary>One finished epoch, as a stage's epoch log sees it.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="Step">Steps done after it.</param>
/// <param name="MeanLoss">Mean loss of its steps.</param>
/// <param name="Steps">Steps in it.</param>
/// <param name="Images">Images in it.</param>
/// <param name="Seconds">Wall time of its steps.</param>
/// <param name="LearningRate">The rate of its last step.</param>
/// <param name="Observations">Epoch means of the steps' <see cref="StepOutput.Observations"/>.</param>
public sealed record EpochSummary(int Epoch, long Step, double MeanLoss, int Steps, long Images, double Seconds, double LearningRate,
                                  IReadOnlyDictionary<string, double> Observations);

/// <summary>Summary of a finished stage.</summary>
/// <param name="FinalLoss">Mean loss of the last epoch trained in this invocation (NaN when nothing was left to train).</param>
/// <param name="Seconds">Wall time of this invocation.</param>
/// <param name="Steps">Steps trained in this invocation.</param>
/// <param name="Images">Images trained on in this invocation.</param>
/// <param name="CheckpointPath">The stage's checkpoint, or null when it keeps none.</param>
public sealed record TrainingResult(double FinalLoss, double Seconds, long Steps, long Images, string? CheckpointPath)
{
    /// <summary>Mean loss of the last window of steps written to the metrics (NaN when none was written).</summary>
    public double LastLoggedLoss { get; init; } = double.NaN;

    /// <summary>Training images per second over this invocation (hooks and checkpoints included).</summary>
    public double ImagesPerSecond => Seconds > 0 ? Images / Seconds : 0;
}
