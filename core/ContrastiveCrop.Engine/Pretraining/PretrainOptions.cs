using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Pretraining;

/// <summary>The <c>pretrain:</c> section of a recipe.</summary>
public sealed record PretrainOptions : IValidatableOptions
{
    /// <summary>Training epochs.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Images per step (each contributes one view per method view).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Peak learning rate after warm-up.</summary>
    public double Lr { get; init; } = 0.5;
    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>SGD weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>
    /// Optimiser steps of the whole run; 0 trains for <see cref="Epochs"/> epochs. When set, the epoch
    /// count follows from it and the last epoch may be partial.
    /// </summary>
    public long Iterations { get; init; } = 0;
    /// <summary>Apply no weight decay to batch-norm weights and biases (all 1-D parameters); off in the paper's code.</summary>
    public bool ExcludeNormAndBiasFromWeightDecay { get; init; } = false;
    /// <summary>Clip the joint L2 norm of all gradients to this value; null for no clipping.</summary>
    public double? ClipGradNorm { get; init; }
    /// <summary>
    /// Parameters whose name starts with one of these prefixes keep the peak learning rate instead of
    /// following the schedule (SimSiam's <c>fix_pred_lr</c>: <c>[predictor.]</c>).
    /// </summary>
    public IReadOnlyList<string> FixedLrParameters { get; init; } = [];
    /// <summary>Epochs of linear warm-up before the cosine decay.</summary>
    public double WarmupEpochs { get; init; } = 0;
    /// <summary>Largest view side accepted; views are float tensors, so larger ones exhaust memory long before they help.</summary>
    public const int MaxImageSize = 2048;
    /// <summary>Side of the augmented views, in pixels.</summary>
    public int ImageSize { get; init; } = 32;
    /// <summary>Write a checkpoint every this many epochs (0: only at the end).</summary>
    public int CheckpointEvery { get; init; } = 0;
    /// <summary>
    /// Batches augmented on background threads ahead of the step. 0 augments each batch between steps
    /// with every core. Null (the default) picks 0 on the CPU, where background augmentation would
    /// preempt the compute threads and stall every parallel kernel, and 2 on a GPU, where the CPU is free.
    /// </summary>
    public int? PrefetchBatches { get; init; }
    /// <summary>Log step metrics every this many steps.</summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>
    /// A downstream task run on the current backbone during pretraining, e.g. a kNN monitor:
    /// <c>{every: 10, task: {name: knn, k: 20}}</c>; its metrics go to metrics.jsonl as <c>monitor/&lt;name&gt;</c>.
    /// </summary>
    public MonitorOptions? Monitor { get; init; }
    /// <summary>
    /// Hook plugins added to the pretraining loop by name, after the hooks the sampler and the method
    /// contribute (mmengine's <c>custom_hooks</c>): e.g. <c>[{name: my-hook, every: 5}]</c>.
    /// </summary>
    public IReadOnlyList<RecipeNode> CustomHooks { get; init; } = [];
    /// <summary>The backbone plugin section (<c>name</c> plus its options).</summary>
    public RecipeNode? Backbone { get; init; }
    /// <summary>The method plugin section.</summary>
    public RecipeNode? Method { get; init; }
    /// <summary>The crop sampler plugin section.</summary>
    public RecipeNode? Sampler { get; init; }

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Epochs <= 0 && Iterations <= 0) yield return new OptionError("epochs", "must be positive (or set iterations)");
        if (Iterations < 0) yield return new OptionError("iterations", "must be 0 (use epochs) or positive");
        if (ClipGradNorm is { } clip && !(clip > 0)) yield return new OptionError("clip_grad_norm", "must be positive, or null for no clipping");
        if (BatchSize < 2) yield return new OptionError("batch_size", "must be at least 2 (contrastive losses need other samples)");
        if (Lr <= 0) yield return new OptionError("lr", "must be positive");
        if (Momentum is < 0 or >= 1) yield return new OptionError("momentum", "must be in [0, 1)");
        if (WeightDecay < 0) yield return new OptionError("weight_decay", "must be non-negative");
        // With epochs ≤ 0 the epochs error above is the one problem; comparing with it would report a second.
        if (WarmupEpochs < 0 || (Iterations == 0 && Epochs > 0 && WarmupEpochs >= Epochs))
            yield return new OptionError("warmup_epochs", $"must be in [0, epochs) = [0, {Epochs}); got {WarmupEpochs}");
        if (ImageSize < 8) yield return new OptionError("image_size", "must be at least 8");
        if (ImageSize > MaxImageSize)
            yield return new OptionError("image_size", $"must be at most {MaxImageSize}: one batch of two {ImageSize}² views would need {2.0 * BatchSize * 3 * ImageSize * ImageSize * 4 / (1L << 30):0.#} GiB (ImageNet recipes use 224)");
        if (CheckpointEvery < 0) yield return new OptionError("checkpoint_every", "must be 0 (end only) or positive");
        if (PrefetchBatches < 0) yield return new OptionError("prefetch_batches", "must be 0 (augment between steps), positive, or null (automatic)");
        if (LogEvery <= 0) yield return new OptionError("log_every", "must be positive");
        if (Backbone is not RecipeMapping) yield return new OptionError("backbone", "is required: a mapping with the backbone's name and options");
        if (Method is not RecipeMapping) yield return new OptionError("method", "is required: a mapping with the method's name and options");
        if (Sampler is not RecipeMapping) yield return new OptionError("sampler", "is required: a mapping with the crop sampler's name and options");
    }
}
