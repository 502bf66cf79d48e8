using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>
/// Options of the linear probe. Defaults are the paper's protocol (ContrastiveCrop's linear configs):
/// frozen backbone in eval mode, fc initialised N(0, 0.01), SGD lr 10, momentum 0.9, no weight decay,
/// 100 epochs, learning rate ×0.1 at epochs 60 and 80.
/// </summary>
public sealed record LinearProbeOptions : IValidatableOptions, IDataRequirements
{
    /// <summary>Training epochs of the linear layer.</summary>
    public int Epochs { get; init; } = 100;
    /// <summary>Initial learning rate (10 for CIFAR-style data, 30 on ImageNet).</summary>
    public double Lr { get; init; } = 10;
    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Weight decay of the linear layer.</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>Epochs after which the learning rate is multiplied by <see cref="Gamma"/>.</summary>
    public IReadOnlyList<int> Milestones { get; init; } = [60, 80];
    /// <summary>Learning-rate factor at each milestone.</summary>
    public double Gamma { get; init; } = 0.1;
    /// <summary>Standard deviation of the fc weights' normal initialisation (biases start at 0).</summary>
    public double InitStd { get; init; } = 0.01;
    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>
    /// <c>precomputed</c>: features of the whole training images are extracted once (fast; no augmentation);
    /// <c>augmented</c>: every epoch forwards random resized crops with flips through the frozen backbone (the paper's protocol).
    /// </summary>
    public string Features { get; init; } = "precomputed";
    /// <summary>Scale range of the random resized crops in <c>augmented</c> mode (torchvision's default).</summary>
    public IReadOnlyList<double> CropScale { get; init; } = [0.08, 1.0];
    /// <summary>Side the images (or crops) are resized to.</summary>
    public int ImageSize { get; init; } = 32;
    /// <summary>
    /// Feature normalisation before the classifier: <c>none</c> (the paper's protocol), <c>batch-norm</c>
    /// (BatchNorm without affine parameters, as MAE's linear probing) or <c>standardize</c> (training
    /// mean and variance). See BENCHMARKS.md for how each depends on the learning rate.
    /// </summary>
    public string FeatureNorm { get; init; } = "none";
    /// <summary>Split the linear layer is trained on.</summary>
    public string TrainSplit { get; init; } = "train";
    /// <summary>Split that is classified.</summary>
    public string TestSplit { get; init; } = "test";
    /// <summary>
    /// Write the probe's checkpoint (classifier, BatchNorm statistics, optimiser) every this many epochs and at the
    /// end, so a killed run resumed continues the probe where it was; 0 keeps none.
    /// </summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Epochs <= 0) yield return new OptionError("epochs", "must be positive");
        if (!(Lr > 0)) yield return new OptionError("lr", "must be positive");
        if (Momentum is < 0 or >= 1) yield return new OptionError("momentum", "must be in [0, 1)");
        if (WeightDecay < 0) yield return new OptionError("weight_decay", "must be non-negative");
        if (Milestones.Any(m => m <= 0)) yield return new OptionError("milestones", "must be positive epochs");
        if (!(Gamma > 0)) yield return new OptionError("gamma", "must be positive");
        if (!(InitStd > 0)) yield return new OptionError("init_std", "must be positive");
        if (BatchSize <= 0) yield return new OptionError("batch_size", "must be positive");
        if (CheckpointEvery < 0) yield return new OptionError("checkpoint_every", "must be 0 (no checkpoints) or a number of epochs");
        if (Features is not ("precomputed" or "augmented")) yield return new OptionError("features", $"must be 'precomputed' or 'augmented'; got '{Features}'");
        if (CropScale.Count != 2 || !(CropScale[0] > 0) || CropScale[0] > CropScale[1] || CropScale[1] > 1)
            yield return new OptionError("crop_scale", "must be [min, max] with 0 < min ≤ max ≤ 1");
        if (FeatureNorm is not (FeatureNormalization.None or FeatureNormalization.BatchNorm or FeatureNormalization.Standardize))
            yield return new OptionError("feature_norm", $"must be 'none', 'batch-norm' or 'standardize'; got '{FeatureNorm}'");
        if (ImageSize < 8) yield return new OptionError("image_size", "must be at least 8");
        if (ImageSize > 2048) yield return new OptionError("image_size", $"must be at most 2048: evaluation images are resized to it as float tensors, and {ImageSize}² would exhaust memory (ImageNet recipes use 224)");
    }

    /// <inheritdoc />
    public IEnumerable<DataRequirement> DataRequirements() =>
    [
        new(TrainSplit, 1, "train_split", "the linear classifier is trained on it"),
        new(TestSplit, 1, "test_split", "the probe's accuracy is measured on it"),
    ];

    /// <summary>The SDK schedule the probe trains with: lr·γ^(milestone epochs passed), evaluated per step.</summary>
    public LearningRateSchedule Schedule(int stepsPerEpoch) =>
        LearningRateSchedule.MultiStep(Lr, (long)Epochs * stepsPerEpoch, Milestones.Select(m => (long)m * stepsPerEpoch), Gamma, warmupSteps: 0);

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (0-based), as training uses it.</summary>
    public double LearningRateAt(int epoch) => Schedule(stepsPerEpoch: 1).At(epoch);
}
