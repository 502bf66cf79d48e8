using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>
/// Synchronised BatchNorm (PyTorch's <c>SyncBatchNorm</c>): in training mode every BatchNorm layer of a module
/// normalises with the mean and variance of the global batch — the per-channel sum, sum of squares and count
/// all-reduced over the ranks — instead of its own rank's share, and updates its running statistics with them; the
/// backward pass all-reduces the two per-channel sums the input gradient needs. A data-parallel step then equals one
/// process's step over the global batch even with BatchNorm (the split changes nothing the loss sees).
/// </summary>
/// <remarks>
/// TorchSharp's BatchNorm layers are called through fields of the models that own them, so they cannot be swapped
/// for another module type; instead each gets a pre-forward hook that sets its momentum to 0 (its own, rank-local
/// forward then leaves the running statistics as they were) and a forward hook that replaces its output with the
/// synchronised one (a custom autograd function) and updates the running statistics itself. The layer's own forward
/// still runs and is discarded: one BatchNorm computation per layer and step wasted, small next to the convolutions.
/// Eval mode is untouched (running statistics, no communication). Every rank must run the same layers in the same
/// order, as with any collective.
/// </remarks>
public static class SyncBatchNorm
{
    /// <summary>
    /// Synchronises every BatchNorm layer (1d, 2d, 3d) of <paramref name="module"/> across <paramref name="group"/>;
    /// returns how many layers were hooked (0 in a single process, where nothing changes).
    /// </summary>
    public static int Apply(IProcessGroup group, nn.Module module)
    {
        if (group.WorldSize == 1) return 0;
        int count = 0;
        foreach (var (_, layer) in module.named_modules())
        {
            if (layer is not BatchNorm norm) continue;
            Hook(group, norm);
            count++;
        }
        return count;
    }

    private static void Hook(IProcessGroup group, BatchNorm norm)
    {
        double? momentum = null;
        norm.register_forward_pre_hook((_, input) =>
        {
            if (!norm.training) return input;
            momentum = norm.momentum;
            norm.momentum = 0;
            return input;
        });
        norm.register_forward_hook((_, input, output) =>
        {
            if (!norm.training) return output;
            norm.momentum = momentum;
            return Forward(group, norm, input, momentum);
        });
    }

    /// <summary>BatchNorm of <paramref name="input"/> (N, C, …) with the global batch's statistics; updates the running statistics.</summary>
    private static Tensor Forward(IProcessGroup group, BatchNorm norm, Tensor input, double? momentum)
    {
        long channels = input.shape[1];
        var dims = Enumerable.Range(0, (int)input.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
        Tensor mean, invstd;
        double total;
        using (no_grad())
        {
            // One all-reduce of [Σx; Σx²; count] per layer, in float64 so the global variance does not cancel badly.
            var x = input.detach().to_type(ScalarType.Float64);
            var packed = cat([x.sum(dims), (x * x).sum(dims), tensor(new double[] { input.numel() / channels }, device: x.device)], 0).contiguous();
            group.AllReduce(packed, ReduceOp.Sum);
            total = packed[2 * channels].item<double>();
            var globalMean = packed.narrow(0, 0, channels) / total;
            var variance = (packed.narrow(0, channels, channels) / total - globalMean * globalMean).clamp_min(0);
            mean = globalMean.to_type(input.dtype);
            invstd = (variance + norm.eps).rsqrt().to_type(input.dtype);
            if (norm.track_running_stats && norm.running_mean is { } runningMean && norm.running_var is { } runningVar)
            {
                // PyTorch's rule: the running variance is the unbiased one; momentum None means a cumulative average.
                double factor = momentum ?? 1.0 / Math.Max(1, norm.num_batches_tracked!.item<long>());
                var unbiased = variance * (total / Math.Max(1, total - 1));
                runningMean.mul_(1 - factor).add_(globalMean.to_type(runningMean.dtype), alpha: factor);
                runningVar.mul_(1 - factor).add_(unbiased.to_type(runningVar.dtype), alpha: factor);
            }
        }
        return Function.apply(group, input, norm.weight, norm.bias, mean, invstd, total);
    }

    /// <summary>y = (x − μ)·σ⁻¹·γ + β with μ, σ of the global batch; the backward pass is that of the global batch's BatchNorm.</summary>
    private sealed class Function : torch.autograd.SingleTensorFunction<Function>
    {
        public override string Name => "SyncBatchNorm";

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var (group, input, weight, bias, mean, invstd, total) =
                ((IProcessGroup)vars[0], (Tensor)vars[1], vars[2] as Tensor, vars[3] as Tensor, (Tensor)vars[4], (Tensor)vars[5], (double)vars[6]);
            var shape = Enumerable.Range(0, (int)input.dim()).Select(d => d == 1 ? input.shape[1] : 1L).ToArray();
            var normalized = (input.detach() - mean.view(shape)) * invstd.view(shape);
            // Tensors go through save_for_backward (TorchSharp refuses them as data); no weight is saved as an empty tensor.
            ctx.save_for_backward([normalized, invstd, weight?.detach() ?? empty(0)]);
            ctx.save_data("group", group);
            ctx.save_data("total", total);
            ctx.save_data("affine", weight is not null);
            var output = normalized;
            if (weight is not null) output = output * weight.detach().view(shape);
            if (bias is not null) output = output + bias.detach().view(shape);
            return output;
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var saved = ctx.get_saved_variables();
            var (normalized, invstd) = (saved[0], saved[1]);
            var group = (IProcessGroup)ctx.get_data("group");
            double total = (double)ctx.get_data("total");
            bool affine = (bool)ctx.get_data("affine");
            var weight = affine ? saved[2] : null;
            long channels = gradOutput.shape[1];
            var dims = Enumerable.Range(0, (int)gradOutput.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
            var shape = Enumerable.Range(0, (int)gradOutput.dim()).Select(d => d == 1 ? channels : 1L).ToArray();
            // This rank's Σ dy and Σ dy·x̂: the gradients of γ and β (averaged over ranks later, like every parameter's).
            var sumDy = gradOutput.sum(dims);
            var sumDyNormalized = (gradOutput * normalized).sum(dims);
            // The input gradient needs the sums over the global batch: every rank's loss depends on every rank's x through μ and σ.
            var packed = cat([sumDy, sumDyNormalized], 0).to_type(ScalarType.Float64).contiguous();
            group.AllReduce(packed, ReduceOp.Sum);
            var meanDy = (packed.narrow(0, 0, channels) / total).to_type(gradOutput.dtype).view(shape);
            var meanDyNormalized = (packed.narrow(0, channels, channels) / total).to_type(gradOutput.dtype).view(shape);
            var scale = invstd.view(shape);
            if (weight is not null) scale = scale * weight.detach().view(shape);
            var gradInput = scale * (gradOutput - meanDy - normalized * meanDyNormalized);
            // One entry per argument of apply: group, input, weight, bias, mean, invstd, total.
            return [null!, gradInput, affine ? sumDyNormalized : null!, affine ? sumDy : null!, null!, null!, null!];
        }
    }
}
