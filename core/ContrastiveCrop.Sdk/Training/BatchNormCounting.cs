using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Training;

/// <summary>
/// Counts the training batches of a model's BatchNorm layers (<c>num_batches_tracked</c>) with Scalars that outlive
/// the native call, instead of TorchSharp's own count, which can read a Scalar the GC has already freed.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>BatchNorm.forward</c> counts with <c>num_batches_tracked.add_(1)</c>: two implicit Scalars
/// (the 1 and <c>add_</c>'s default alpha) whose native handles are passed to libtorch while nothing keeps the managed
/// objects alive (no <c>GC.KeepAlive</c>). A GC that another thread starts during the call finalizes them, and libtorch
/// reads freed memory: "For integral input tensors, argument alpha must not be a floating point number", "Unknown
/// scalar type" or "Expected false to be true", at a random step of a random run — every BatchNorm in training mode
/// does this once per forward, so it is the likeliest victim (the same defect <c>SgdOptimizer.Step</c> and
/// <c>ResidualBlock.AddShortcut</c> avoid with explicit Scalars). The layer's forward cannot be replaced
/// (<c>BatchNorm2d</c> is sealed and called through its owners' fields), but it skips counting when its counter field
/// is null: a pre-forward hook counts the batch with a Scalar held by <c>using</c> and hides the counter from the
/// forward, a forward hook puts it back. The buffer itself (its tensor, its state_dict entry) never changes.
/// Layers whose momentum is 0 or unset at that moment (cumulative averages, whose forward reads the counter) are left
/// to TorchSharp.
/// </remarks>
internal static class BatchNormCounting
{
    private static readonly FieldInfo Counter = typeof(NormBase).GetField("_num_batches_tracked", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingFieldException("TorchSharp's NormBase has no field _num_batches_tracked: check BatchNormCounting against this TorchSharp version.");

    /// <summary>Hooks every BatchNorm of <paramref name="model"/> that tracks running statistics; returns how many.</summary>
    /// <remarks>Hooking a layer twice is harmless: the second pre-forward hook finds the counter already hidden and does nothing.</remarks>
    public static int Apply(nn.Module model)
    {
        int count = 0;
        foreach (var norm in model.modules().OfType<BatchNorm>())
        {
            if (!norm.track_running_stats) continue;
            Hook(norm);
            count++;
        }
        return count;
    }

    private static void Hook(BatchNorm norm)
    {
        Tensor? hidden = null;
        norm.register_forward_pre_hook((_, input) =>
        {
            // A forward that threw after this hook ran never reached the forward hook: put the counter back first.
            Restore(norm, ref hidden);
            if (!norm.training || norm.momentum is null or 0 || Counter.GetValue(norm) is not Tensor counter) return input;
            using (var one = 1L.ToScalar())
            using (no_grad())
                counter.add_(one, one);
            hidden = counter;
            Counter.SetValue(norm, null);
            return input;
        });
        norm.register_forward_hook((_, _, output) =>
        {
            Restore(norm, ref hidden);
            return output;
        });
    }

    private static void Restore(BatchNorm norm, ref Tensor? hidden)
    {
        if (hidden is null) return;
        Counter.SetValue(norm, hidden);
        hidden = null;
    }
}
