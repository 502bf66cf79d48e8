using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Contracts;

/// <summary>
/// A Siamese self-supervised objective (SimCLR, MoCo, BYOL, ...). The host constructs it with the
/// <see cref="IBackbone"/> to train, feeds it batches of augmented views and runs the optimiser.
/// </summary>
public interface ISiameseMethod
{
    /// <summary>The views each image contributes per step, in order, with their augmentation pipelines.</summary>
    IReadOnlyList<ViewSpec> Views { get; }

    /// <summary>Everything that is checkpointed: backbone, heads, momentum encoders, queues (as buffers).</summary>
    nn.Module Module { get; }

    /// <summary>The parameters the optimiser updates (momentum encoders excluded).</summary>
    IEnumerable<Parameter> TrainableParameters { get; }

    /// <summary>
    /// Computes the loss of one batch. <paramref name="views"/>[v] holds view v of every image,
    /// shape (N, 3, H, W), on the training device.
    /// </summary>
    MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress);

    /// <summary>Called after each optimiser step: momentum encoders, EMA schedules, queues.</summary>
    void AfterOptimizerStep(TrainingProgress progress);
}

/// <summary>One view of the method's input.</summary>
/// <param name="Pipeline">Name of the augmentation pipeline (e.g. <c>moco-v2</c>, <c>byol-1</c>).</param>
/// <param name="Size">Output side length in pixels; null for the data set's configured size.</param>
public sealed record ViewSpec(string Pipeline, int? Size = null)
{
    /// <summary>
    /// The crop's own area range (multi-crop's small views); null for the crop sampler's configured
    /// scale. Passed to the sampler as <see cref="CropRequest.Scale"/>. Added in contracts 1.1.
    /// </summary>
    public CropScale? Scale { get; init; }
}

/// <summary>The result of <see cref="ISiameseMethod.ComputeLoss"/>.</summary>
/// <param name="Loss">Scalar loss to minimise.</param>
/// <param name="PositiveSimilarity">Mean cosine similarity of positive pairs (a scalar), if the method computes one.</param>
public sealed record MethodStepOutput(Tensor Loss, Tensor? PositiveSimilarity = null)
{
    /// <summary>
    /// One view's embeddings (N, d), the encoder's output whose spread shows collapse (SimSiam section 4:
    /// the std of z/‖z‖ per dimension, ≈ 1/√d when healthy, 0 when collapsed); null when the method
    /// does not provide them. The host only reads them, without gradients. Added in contracts 2.0.
    /// </summary>
    public Tensor? Embeddings { get; init; }
}

/// <summary>Where training is: epochs and optimiser steps, 0-based, with totals.</summary>
/// <param name="Epoch">Current epoch (0-based).</param>
/// <param name="TotalEpochs">Number of epochs in the run.</param>
/// <param name="Step">Optimiser steps taken before this one.</param>
/// <param name="TotalSteps">Number of optimiser steps in the run.</param>
public readonly record struct TrainingProgress(int Epoch, int TotalEpochs, long Step, long TotalSteps)
{
    /// <summary>Fraction of training done, in [0, 1] (schedules such as BYOL's τ use it).</summary>
    public double Fraction => TotalSteps <= 0 ? 1.0 : Math.Clamp((double)Step / TotalSteps, 0.0, 1.0);
}
