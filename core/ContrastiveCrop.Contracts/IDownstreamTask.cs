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
/// that writes files or stage metrics adds it to their names, so the two runs of one stage keep apart
/// (added in contracts 2.1).
/// </param>
public sealed record DownstreamContext(IBackbone Backbone, IRunContext Run, IDatasetProvider? Data, string? CheckpointPath, string? Variant = null)
{
    /// <summary>The <see cref="Variant"/> of the untrained baseline that <c>random_init_baseline: true</c> adds.</summary>
    public const string RandomInitVariant = "random-init";
}

/// <summary>The metrics a downstream task reports, e.g. <c>top1</c> = 71.3.</summary>
/// <param name="Metrics">Metric name to value.</param>
public sealed record DownstreamResult(IReadOnlyDictionary<string, double> Metrics);
