using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>
/// Data parallelism for any <see cref="TrainerBase"/> stage (what PyTorch's DDP does around a module): before the
/// first step every rank takes rank 0's parameters and buffers, so the replicas start equal; after every
/// backward pass the gradients are averaged over the ranks — flattened into buckets of about
/// <see cref="BucketBytes"/> so a step costs a few large all-reduces, not one per parameter — before clipping
/// and the optimiser step, so every replica takes the same step and stays equal.
/// </summary>
/// <remarks>
/// Buffers (BatchNorm's running statistics) are broadcast once at the start, not averaged afterwards: as in DDP
/// with per-rank BatchNorm they drift apart, and checkpoints hold rank 0's. A parameter that has no gradient on
/// this rank contributes zeros and stays without one, so every rank reduces buckets of the same layout even
/// when a branch was not used; the layout follows <see cref="nn.Module.parameters"/>' order, which is the same
/// on every rank because every rank builds the same model.
/// </remarks>
/// <param name="group">The job's processes.</param>
/// <param name="module">The module being trained (everything checkpointed: online and momentum encoders, heads, queues).</param>
public sealed class GradientAveragingHook(IProcessGroup group, nn.Module module) : HookBase
{
    /// <summary>Target bucket size: 25 MB, DDP's default <c>bucket_cap_mb</c>.</summary>
    public long BucketBytes { get; init; } = 25L * 1024 * 1024;

    /// <summary>Seconds spent in all-reduces so far (for the share of step time spent communicating).</summary>
    public double CommunicationSeconds { get; private set; }

    /// <inheritdoc />
    public override void BeforeTrain(TrainingState state) => BroadcastFromRankZero(group, module);

    /// <summary>Overwrites every parameter and buffer of <paramref name="module"/> with rank 0's.</summary>
    public static void BroadcastFromRankZero(IProcessGroup group, nn.Module module)
    {
        if (group.WorldSize == 1) return;
        using var noGrad = no_grad();
        foreach (var tensor in module.parameters().Cast<Tensor>().Concat(module.buffers()))
        {
            if (tensor.is_contiguous())
            {
                group.Broadcast(tensor, 0);
                continue;
            }
            using var copy = tensor.contiguous();
            group.Broadcast(copy, 0);
            tensor.copy_(copy);
        }
    }

    /// <inheritdoc />
    public override void AfterBackward(TrainingState state) => Average();

    private double _epochStartCommunication;
    private readonly System.Diagnostics.Stopwatch _epochClock = new();

    /// <inheritdoc />
    public override void BeforeEpoch(TrainingState state)
    {
        _epochStartCommunication = CommunicationSeconds;
        _epochClock.Restart();
    }

    /// <summary>Logs the epoch's time in gradient all-reduces and its share of the epoch (<c>&lt;stage&gt;/communication</c>; rank 0).</summary>
    public override void AfterEpoch(TrainingState state)
    {
        if (group.WorldSize == 1 || group.Rank != 0) return;
        double seconds = CommunicationSeconds - _epochStartCommunication, total = _epochClock.Elapsed.TotalSeconds;
        state.Run.LogMetrics($"{state.Stage}/communication", state.Step, new Dictionary<string, double>
        {
            ["epoch"] = state.Epoch, ["allreduce_seconds"] = seconds, ["epoch_seconds"] = total, ["share"] = seconds / Math.Max(total, 1e-9),
        });
    }

    /// <summary>Averages the gradients of the module's trainable parameters over the ranks.</summary>
    public void Average()
    {
        if (group.WorldSize == 1) return;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bucket = new List<TorchSharp.Modules.Parameter>();
        long bytes = 0;
        foreach (var parameter in module.parameters().Where(p => p.requires_grad))
        {
            bucket.Add(parameter);
            bytes += parameter.numel() * parameter.element_size();
            if (bytes >= BucketBytes)
            {
                ReduceBucket(bucket);
                bucket.Clear();
                bytes = 0;
            }
        }
        if (bucket.Count > 0) ReduceBucket(bucket);
        CommunicationSeconds += clock.Elapsed.TotalSeconds;
    }

    private void ReduceBucket(List<TorchSharp.Modules.Parameter> bucket)
    {
        // One dtype per bucket is required by a flat buffer; parameters of another dtype get their own buckets.
        foreach (var sameType in bucket.GroupBy(p => (p.dtype, p.device_type)))
        {
            var parameters = sameType.ToList();
            var flat = cat(parameters.Select(p => p.grad is { } g ? g.reshape(-1) : zeros(p.numel(), dtype: p.dtype, device: p.device)).ToList(), 0);
            group.AllReduce(flat, ReduceOp.Sum);
            flat.div_(group.WorldSize);
            long offset = 0;
            foreach (var p in parameters)
            {
                long n = p.numel();
                if (p.grad is { } g) g.copy_(flat.narrow(0, offset, n).view_as(g));
                offset += n;
            }
        }
    }
}
