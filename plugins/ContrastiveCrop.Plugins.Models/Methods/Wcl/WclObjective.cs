using ContrastiveCrop.Sdk.Distributed;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// WCL's loss from the heads' L2-normalised embeddings: NT-Xent on head 1, the swapped weak-label term on head 2
/// (labels from the connected components of the batch's 1-nearest-neighbour graph), and the multi-crop terms.
/// In a data-parallel job the batch is the global one, as in the official multi-GPU code: every rank's embeddings are
/// gathered (with gradient, <see cref="DistributedGather"/>), the graph and its weak labels are built from all of
/// them (the same on every rank), and each rank's anchors are its own images scored against every rank's.
/// </summary>
/// <remarks>
/// Each rank's loss is the mean over its own anchors; the mean over the ranks of these losses is the loss of one
/// process over the global batch (every rank holds as many anchors), and the gather's backward pass gives each rank
/// the gradient of all ranks' losses with respect to its own rows, so averaged gradients are that loss's gradient.
/// </remarks>
public static class WclObjective
{
    /// <summary>
    /// The loss of this rank's <paramref name="n"/> images: <paramref name="z"/> and <paramref name="h"/> are head 1's
    /// and head 2's embeddings of [view 1; view 2] (2n rows), <paramref name="smallZ"/> and <paramref name="smallH"/>
    /// those of the small views (small view m of image i at row m·n + i), null without multi-crop.
    /// </summary>
    public static Tensor Compute(Tensor z, Tensor h, Tensor? smallZ, Tensor? smallH, long n, WclOptions options, IProcessGroup group)
    {
        using var scope = NewDisposeScope();
        var (z1, z2) = (z.narrow(0, 0, n), z.narrow(0, n, n));
        var (h1, h2) = (h.narrow(0, 0, n), h.narrow(0, n, n));
        if (group.WorldSize == 1)
        {
            var labels1 = NearestNeighbourComponents.SameComponentMask(h1);
            var labels2 = NearestNeighbourComponents.SameComponentMask(h2);
            var local = NtXentLoss.Compute(z1, z2, options.Temperature)
                        + WeakSupConLoss.Swapped(h1, h2, labels1, labels2, options.Temperature) * options.GraphWeight;
            if (smallZ is not null && smallH is not null)
            {
                var own = MultiCropLoss.OwnImagePositives(n, options.SmallCrops, z.dtype, z.device);
                var weak = MultiCropLoss.SwappedWeakPositives(labels1, labels2, options.SmallCrops);
                local = local + MultiCropLoss.Compute(smallZ, z, own, options.Temperature) * options.SmallCropWeight
                              + MultiCropLoss.Compute(smallH, h, weak, options.Temperature) * options.SmallCropGraphWeight;
            }
            return local.MoveToOuterDisposeScope();
        }

        long total = n * group.WorldSize, first = n * group.Rank;
        var allH1 = DistributedGather.WithGradient(group, h1);
        var allH2 = DistributedGather.WithGradient(group, h2);
        // The graphs of the global batch (identical on every rank: built from the same gathered rows); this rank's rows of them.
        var rows1 = NearestNeighbourComponents.SameComponentMask(allH1.detach()).narrow(0, first, n);
        var rows2 = NearestNeighbourComponents.SameComponentMask(allH2.detach()).narrow(0, first, n);
        var graph = (WeakSupConLoss.ComputeRows(h1, allH1, rows2, first, options.Temperature)
                     + WeakSupConLoss.ComputeRows(h2, allH2, rows1, first, options.Temperature)) / 2;
        var loss = NtXentLoss.Compute(z1, z2, options.Temperature, group) + graph * options.GraphWeight;
        if (smallZ is not null && smallH is not null)
        {
            // Candidates are the large views of the global batch, [all view 1; all view 2], as one process orders them.
            var allZ = cat([DistributedGather.WithGradient(group, z1), DistributedGather.WithGradient(group, z2)], 0);
            var allH = cat([allH1, allH2], 0);
            var ownBlock = zeros(n, total, dtype: z.dtype, device: z.device);
            ownBlock.narrow(1, first, n).copy_(eye(n, dtype: z.dtype, device: z.device));
            var own = cat([ownBlock, ownBlock], 1).repeat(options.SmallCrops, 1);
            var weak = MultiCropLoss.SwappedWeakPositives(rows1, rows2, options.SmallCrops);
            loss = loss + MultiCropLoss.Compute(smallZ, allZ, own, options.Temperature) * options.SmallCropWeight
                        + MultiCropLoss.Compute(smallH, allH, weak, options.Temperature) * options.SmallCropGraphWeight;
        }
        return loss.MoveToOuterDisposeScope();
    }
}
