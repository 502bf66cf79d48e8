using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Sdk.Training;

/// <summary>Where a training stage is, as hooks see it.</summary>
/// <param name="Stage">The stage's name (metrics prefix), e.g. <c>pretrain</c> or <c>faster-rcnn-c4</c>.</param>
/// <param name="Epoch">Completed epochs (in <see cref="Hooks.HookBase.BeforeEpoch"/>: the 0-based epoch about to start).</param>
/// <param name="TotalEpochs">Epochs in the stage.</param>
/// <param name="Step">Optimiser steps done.</param>
/// <param name="TotalSteps">Optimiser steps in the stage.</param>
/// <param name="Run">Run folder, device, seed, metrics, log.</param>
public sealed record TrainingState(string Stage, int Epoch, int TotalEpochs, long Step, long TotalSteps, IRunContext Run)
{
    /// <summary>True when the stage's last step is done.</summary>
    public bool IsLastStep => Step >= TotalSteps;
}
