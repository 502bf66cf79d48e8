using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Training;

/// <summary>
/// Recomputes the running statistics of a model's BatchNorms as plain averages over many training batches
/// (detectron2's PreciseBN, after "Rethinking batch in BatchNorm"). Why: training keeps an exponential average
/// (momentum 0.1) of per-batch statistics, which with small batches — detection trains on 2 images — weighs the
/// last ~10 batches, drawn under weights that were still moving; the test pass then normalises with those.
/// </summary>
public static class PreciseBatchNorm
{
    /// <summary>
    /// Runs <paramref name="forward"/> for batches 0 … <paramref name="batches"/> − 1 without gradients, in the modes
    /// the model is in (call it in training mode, as after training), and sets every BatchNorm that is in training mode
    /// to the mean of the batches' means and unbiased variances; norms in inference mode (frozen ones) are left alone, and
    /// weights and modes are unchanged. Returns the norms updated (their <c>num_batches_tracked</c> counts the passes too).
    /// If a pass throws, the norms get their statistics from before the call back.
    /// </summary>
    /// <exception cref="InvalidOperationException">A BatchNorm in training mode ran other than once in a pass (its last
    /// call's statistics would stand for the batch, or stale ones would be averaged in); the message names it.</exception>
    public static IReadOnlyList<BatchNorm> Update(nn.Module model, int batches, Action<int> forward)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        // TorchSharp's named_modules() leaves out the module itself (PyTorch's lists it as ""): a bare BatchNorm counts too.
        var named = new[] { (name: "", module: model) }.Concat(model.named_modules()).Where(m => m.module is BatchNorm { training: true, running_mean: not null, running_var: not null })
            .Select(m => (m.name, Norm: (BatchNorm)m.module)).ToList();
        var norms = named.Select(n => n.Norm).ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        var before = norms.Select(n => (Mean: n.running_mean!.detach().clone(), Var: n.running_var!.detach().clone())).ToList();
        var means = norms.Select(n => zeros_like(n.running_mean!)).ToList();
        var variances = norms.Select(n => zeros_like(n.running_var!)).ToList();
        var calls = new int[norms.Count];
        var counters = norms.Select((n, i) => n.register_forward_hook((_, _, output) => { calls[i]++; return output; })).ToList();
        bool done = false;
        try
        {
            foreach (var n in norms) n.momentum = 1.0;
            using var noGrad = no_grad();
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                Array.Clear(calls);
                forward(b);
                int odd = Array.FindIndex(calls, c => c != 1);
                if (odd >= 0)
                    throw new InvalidOperationException(
                        $"Precise BatchNorm statistics: '{named[odd].name}' ran {calls[odd]} times in one pass; each BatchNorm in training mode must run exactly once.");
                for (int i = 0; i < norms.Count; i++)
                {
                    // Incremental mean: the exact average of the b + 1 batches so far.
                    means[i].add_(norms[i].running_mean!.sub(means[i]).div_(b + 1));
                    variances[i].add_(norms[i].running_var!.sub(variances[i]).div_(b + 1));
                }
            }
            for (int i = 0; i < norms.Count; i++)
            {
                norms[i].running_mean!.copy_(means[i]);
                norms[i].running_var!.copy_(variances[i]);
            }
            done = true;
        }
        finally
        {
            using (no_grad())
                for (int i = 0; i < norms.Count; i++)
                {
                    norms[i].momentum = momenta[i];
                    if (!done)
                    {
                        norms[i].running_mean!.copy_(before[i].Mean);
                        norms[i].running_var!.copy_(before[i].Var);
                    }
                }
            foreach (var c in counters) c.remove();
            foreach (var t in means.Concat(variances).Concat(before.SelectMany(b => new[] { b.Mean, b.Var }))) t.Dispose();
        }
        return norms;
    }
}
