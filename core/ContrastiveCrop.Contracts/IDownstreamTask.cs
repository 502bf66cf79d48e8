namespace ContrastiveCrop.Contracts;

/// <summary>
/// Work done with a (pretrained) backbone after pretraining: linear probe, kNN, detection
/// fine-tuning. A recipe lists such stages; each returns named metrics for the results table.
/// </summary>
public interface IDownstreamTask
{
    /// <summary>Runs the task. Long tasks honour <see cref="IRunContext.Cancellation"/>.</summary>
    DownstreamResult Run(DownstreamContext context);
}

/// <summary>What a downstream task gets from the host.</summary>
/// <param name="Backbone">The backbone, with pretrained weights loaded when the run has them.</param>
/// <param name="Run">Run directory, device, seed, metrics.</param>
/// <param name="Data">The run's configured data set, opened by split; null when the recipe has none.</param>
/// <param name="CheckpointPath">The checkpoint the backbone came from, if any.</param>
/// <param name="Variant">
/// Null for the run's own backbone; otherwise a short name of another backbone the same stage runs on
/// in this run (<c>random-init</c> for the untrained baseline of <c>random_init_baseline: true</c>). A task
/// that writes files or stage metrics names them with <see cref="StageName"/>, so the two runs of one stage keep apart
/// (added in contracts 2.1).
/// </param>
public sealed record DownstreamContext(IBackbone Backbone, IRunContext Run, IDatasetProvider? Data, string? CheckpointPath, string? Variant = null)
{
    /// <summary>The <see cref="Variant"/> of the untrained baseline that <c>random_init_baseline: true</c> adds.</summary>
    public const string RandomInitVariant = "random-init";

    /// <summary>
    /// The <see cref="Variant"/> of a <c>pretrain.monitor</c> pass starts with this, followed by the epoch it ran after
    /// (<c>monitor-epoch-5</c>; added in contracts 2.2): the backbone of that epoch, not the run's final one.
    /// </summary>
    public const string MonitorVariantPrefix = "monitor-epoch-";

    /// <summary>
    /// Which stage of this task this is among the recipe's <c>evaluate</c> stages of the same task: 1 for the first (or
    /// only), 2 for the second, and so on (added in contracts 2.2). Two stages of one task in one run (e.g. detection with
    /// the trunk frozen and fully fine-tuned) would otherwise share file names, and the second would resume from the
    /// first's finished checkpoint.
    /// </summary>
    public int Occurrence { get; init; } = 1;

    /// <summary>
    /// The name a task gives this stage's files, checkpoints and metrics: <paramref name="stage"/>, then <c>-2</c>, <c>-3</c>
    /// … for a later <see cref="Occurrence"/>, then <c>-</c><see cref="Variant"/>; unique within the run.
    /// </summary>
    /// <param name="stage">The task's own name for the stage, e.g. <c>linear-probe</c>.</param>
    public string StageName(string stage) =>
        stage + (Occurrence > 1 ? $"-{Occurrence}" : "") + (Variant is { } variant ? $"-{variant}" : "");
}

/// <summary>The metrics a downstream task reports, e.g. <c>top1</c> = 71.3.</summary>
/// <param name="Metrics">Metric name to value.</param>
public sealed record DownstreamResult(IReadOnlyDictionary<string, double> Metrics);
