using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Runs;

namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// Work the pretraining loop runs at fixed points (solo-learn's callbacks): box updates for
/// localising samplers, kNN monitoring, diagnostics. Hooks run on the training thread, in order.
/// </summary>
public interface ITrainingHook
{
    /// <summary>Before the first step (also after a resume, with the restored state).</summary>
    void OnTrainingStart(TrainingState state) { }

    /// <summary>After the last step of an epoch, before the epoch's checkpoint is written.</summary>
    void OnEpochEnd(TrainingState state) { }
}

/// <summary>What a hook sees of the training run.</summary>
/// <param name="CompletedEpochs">Epochs finished so far.</param>
/// <param name="TotalEpochs">Epochs in the run.</param>
/// <param name="Step">Optimiser steps taken so far.</param>
/// <param name="Method">The method being trained.</param>
/// <param name="Backbone">Its (online) backbone.</param>
/// <param name="Data">The training images, un-augmented.</param>
/// <param name="Sampler">The crop sampler.</param>
/// <param name="Run">Run folder, device, metrics, log.</param>
public sealed record TrainingState(
    int CompletedEpochs, int TotalEpochs, long Step, ISiameseMethod Method, IBackbone Backbone,
    IImageDataset Data, ICropSampler Sampler, RunContext Run);
