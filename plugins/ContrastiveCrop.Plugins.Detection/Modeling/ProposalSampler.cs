using ContrastiveCrop.Detection.Boxes;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's ROIHeads.label_and_sample_proposals: the image's ground-truth boxes join its
/// proposals (so every object has a perfect positive from the first iteration), each box is matched
/// to its best ground truth at IoU 0.5 (below: background class K), and a balanced subset is drawn
/// (at most <see cref="RoiHeadSettings.PositiveFraction"/> foreground).
/// </summary>
internal sealed class ProposalSampler
{
    private readonly Matcher _matcher = Matcher.RoiHeads();
    private readonly BalancedSampler _sampler;
    private readonly int _numClasses;

    public ProposalSampler(int numClasses, RoiHeadSettings settings)
    {
        _numClasses = numClasses;
        _sampler = new BalancedSampler(settings.BatchSizePerImage, settings.PositiveFraction);
    }

    /// <summary>The sampled ROIs of one image with their targets (no gradient).</summary>
    public SampledRois Sample(Tensor proposals, InstanceTargets target, Generator? generator)
    {
        using var noGrad = no_grad();
        var gt = target.Boxes.to(proposals.dtype);
        var boxes = cat([proposals, gt]);
        var (matches, labels) = _matcher.Match(BoxOps.PairwiseIou(gt, boxes));
        Tensor classes;
        if (gt.shape[0] == 0)
        {
            classes = full(boxes.shape[0], (long)_numClasses, ScalarType.Int64, device: boxes.device);
        }
        else
        {
            classes = target.Classes.index_select(0, matches);
            classes = classes.masked_fill(labels.eq(0), _numClasses).masked_fill(labels.eq(-1), -1);
        }
        var (pos, neg) = _sampler.Sample(classes, backgroundLabel: _numClasses, generator);
        var chosen = cat([pos, neg]);
        var matchedBoxes = gt.shape[0] == 0 ? zeros_like(boxes) : gt.index_select(0, matches);
        return new SampledRois(boxes.index_select(0, chosen), classes.index_select(0, chosen),
                               matchedBoxes.index_select(0, chosen), matches.index_select(0, chosen));
    }
}
