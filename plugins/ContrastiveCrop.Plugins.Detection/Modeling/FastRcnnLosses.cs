using ContrastiveCrop.Detection.Boxes;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's FastRCNNOutputLayers.losses for R50-C4: cross-entropy over all sampled ROIs and
/// class-specific L1 (smooth-L1 with β = 0) on the foreground ones, the latter summed and divided by
/// the number of all sampled ROIs (not the foreground count), with deltas encoded by the (10, 10, 5, 5) coder.
/// </summary>
internal static class FastRcnnLosses
{
    /// <summary>
    /// <c>loss_cls</c> and <c>loss_box_reg</c> of scores (R, K + 1) and deltas (R, 4K) for the sampled ROIs
    /// of all images, whose classes (R, background = K) and foreground indices (class below K) are given.
    /// </summary>
    public static Dictionary<string, Tensor> Compute(Tensor scores, Tensor deltas, Tensor classes, Tensor foreground,
        IReadOnlyList<SampledRois> sampled, int numClasses, BoxCoder coder)
    {
        var proposalBoxes = cat(sampled.Select(s => s.Boxes).ToList());
        var gtBoxes = cat(sampled.Select(s => s.MatchedBoxes).ToList());
        long r = classes.shape[0];
        var fgClasses = classes.index_select(0, foreground);
        var predicted = deltas.view(r, numClasses, 4).index_select(0, foreground)
            .gather(1, fgClasses.view(-1, 1, 1).expand(-1, 1, 4)).squeeze(1);
        var targetDeltas = coder.Encode(proposalBoxes.index_select(0, foreground), gtBoxes.index_select(0, foreground));
        return new Dictionary<string, Tensor>
        {
            ["loss_cls"] = nn.functional.cross_entropy(scores, classes),
            ["loss_box_reg"] = nn.functional.l1_loss(predicted, targetDeltas, reduction: nn.Reduction.Sum) / Math.Max(r, 1),
        };
    }
}
