using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Distributed;

/// <summary>The recipe's <c>distributed</c> section.</summary>
/// <param name="Backend">auto | mpi | nccl | none.</param>
/// <param name="TimeoutSeconds">How long one collective may wait for the other ranks before every rank is ended (exit 2).</param>
/// <param name="SyncBatchnorm">
/// Pretraining's BatchNorm layers normalise over the global batch (statistics all-reduced across ranks, SDK
/// <c>SyncBatchNorm</c>); false: per-rank BatchNorm, as DDP's default. No effect in one process.
/// </param>
public sealed record DistributedOptions(DistributedBackend Backend = DistributedBackend.Auto, double TimeoutSeconds = 600, bool SyncBatchnorm = false)
    : IValidatableOptions
{
    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (!(TimeoutSeconds > 0) || double.IsInfinity(TimeoutSeconds))
            yield return new OptionError("timeout_seconds", $"timeout_seconds must be a finite number > 0; got {TimeoutSeconds}.");
    }
}
