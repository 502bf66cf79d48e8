using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>
/// All-gather through which gradients flow (SimCLR's and WCL's global negatives; the reference code's
/// <c>GatherLayer</c>): forward concatenates every rank's rows; backward sums the incoming gradient over ranks
/// and hands each rank the slice of its own rows.
/// </summary>
/// <remarks>
/// Why a sum: rank r's loss L_r depends on every rank's embeddings, so ∂(Σ_r' L_r')/∂z_r = Σ_r' ∂L_r'/∂z_r, and
/// only rank r can carry that into its own encoder's parameters. After the gradient hook averages parameter
/// gradients over the W ranks, the step is the gradient of the mean of the W local losses — the single-process
/// loss over the global batch when every rank holds the same number of anchors.
/// </remarks>
public static class DistributedGather
{
    /// <summary>The ranks' <paramref name="local"/> (same shape everywhere) concatenated along dimension 0 in rank order, differentiable.</summary>
    public static Tensor WithGradient(IProcessGroup group, Tensor local)
    {
        if (group.WorldSize == 1) return local;
        return Function.apply(group, local);
    }

    private sealed class Function : torch.autograd.SingleTensorFunction<Function>
    {
        public override string Name => "DistributedGather";

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var group = (IProcessGroup)vars[0];
            var local = (Tensor)vars[1];
            ctx.save_data("group", group);
            ctx.save_data("rows", local.shape[0]);
            return group.AllGather(local.detach().contiguous());
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var group = (IProcessGroup)ctx.get_data("group");
            long rows = (long)ctx.get_data("rows");
            var summed = gradOutput.contiguous().clone();
            group.AllReduce(summed, ReduceOp.Sum);
            // One entry per argument of apply: none for the group, the own slice for the tensor.
            return [null!, summed.narrow(0, group.Rank * rows, rows).clone()];
        }
    }
}
