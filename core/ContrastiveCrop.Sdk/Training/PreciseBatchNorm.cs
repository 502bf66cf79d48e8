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
    /// Runs <paramref name="forward"/> for batches 0 … <paramref name="batches"/> − 1 in training mode without
    /// gradients and sets every BatchNorm that is in training mode to the mean of the batches' means and variances
    /// (norms kept in inference mode, e.g. frozen ones, are left alone); weights and the modules' modes are unchanged.
    /// Returns the number of BatchNorms updated.
    /// </summary>
    /// <remarks>
    /// Each BatchNorm must run once per forward (as in a ResNet); its momentum is set to 1 for the passes so its running
    /// statistics hold the last batch's, which are averaged here, and restored afterwards.
    /// </remarks>
    public static int Update(nn.Module model, int batches, Action<int> forward)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        bool wasTraining = model.training;
        model.train();
        var norms = model.modules().OfType<BatchNorm>().Where(n => n.training && n.running_mean is not null && n.running_var is not null).ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        var means = norms.Select(n => zeros_like(n.running_mean!)).ToList();
        var variances = norms.Select(n => zeros_like(n.running_var!)).ToList();
        try
        {
            foreach (var n in norms) n.momentum = 1.0;
            using var noGrad = no_grad();
            for (int b = 0; b < batches; b++)
            {
                using var scope = NewDisposeScope();
                forward(b);
                for (int i = 0; i < norms.Count; i++)
                {
                    // Incremental mean: exact average of the b + 1 batches so far.
                    means[i].add_(norms[i].running_mean!.sub(means[i]).div_(b + 1));
                    variances[i].add_(norms[i].running_var!.sub(variances[i]).div_(b + 1));
                }
            }
            for (int i = 0; i < norms.Count; i++)
            {
                norms[i].running_mean!.copy_(means[i]);
                norms[i].running_var!.copy_(variances[i]);
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            foreach (var t in means.Concat(variances)) t.Dispose();
            model.train(wasTraining);
        }
        return norms.Count;
    }
}
