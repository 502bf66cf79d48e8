using ContrastiveCrop.Detection.Boxes;
using ContrastiveCrop.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's Res5ROIHeads, the assembly of the C4 ROI heads: each ROI is pooled from res4 with
/// aligned RoIAlign (14×14, adaptive sampling, scale 1/16), run through res5, mean-pooled and given
/// to the box predictor; the mask head, when present, reads the same res5 features of foreground
/// ROIs. Proposal sampling (<see cref="ProposalSampler"/>), the box losses and inference
/// (<see cref="FastRcnnLosses"/>, <see cref="FastRcnnInference"/>) and the mask loss and inference
/// (<see cref="MaskRcnnLoss"/>, <see cref="MaskRcnnInference"/>) live in their own files.
/// </summary>
/// <remarks>
/// One typed forward (detectron2's <c>ROIHeads.forward</c>): with targets, the training losses and no detections;
/// without, the detections and no losses. Callers invoke it through <c>call(...)</c>, so forward hooks (stage timing)
/// see it from outside.
/// </remarks>
internal sealed class Res5RoiHeads
    : nn.Module<Tensor, IReadOnlyList<Tensor>, ImageList, IReadOnlyList<InstanceTargets>?, Generator?, (Dictionary<string, Tensor> Losses, IReadOnlyList<Detections> Detections)>
{
    // Field names are detectron2's state_dict names.
    private readonly Res5Head res5;
    private readonly FastRcnnPredictor box_predictor;
    private readonly MaskHead? mask_head;
    private readonly RoiAlign _pooler;
    private readonly BoxCoder _coder = BoxCoder.RoiHeads();
    private readonly ProposalSampler _proposalSampler;
    private readonly RoiHeadSettings _settings;

    public Res5RoiHeads(ResNetLayout layout, long inChannels, int baseWidth, int numClasses, bool masks, RoiHeadSettings settings)
        : base(nameof(Res5RoiHeads))
    {
        NumClasses = numClasses;
        _settings = settings;
        _proposalSampler = new ProposalSampler(numClasses, settings);
        _pooler = new RoiAlign(settings.PoolerResolution, settings.PoolerResolution, 1.0 / C4Trunk.Stride, samplingRatio: 0, aligned: true);
        res5 = new Res5Head(layout, inChannels, baseWidth);
        box_predictor = new FastRcnnPredictor(res5.OutChannels, numClasses);
        if (masks) mask_head = new MaskHead(res5.OutChannels, numClasses);
        RegisterComponents();
    }

    /// <summary>Foreground classes K (the background index).</summary>
    public int NumClasses { get; }

    /// <summary>Whether this head predicts masks.</summary>
    public bool HasMasks => mask_head is not null;

    /// <summary>
    /// With <paramref name="targets"/>, the training losses (<c>loss_cls</c>, <c>loss_box_reg</c> and, with masks,
    /// <c>loss_mask</c>) of ROIs sampled from <paramref name="proposals"/>; without, the detections of each image in the
    /// coordinates of the network input.
    /// </summary>
    public override (Dictionary<string, Tensor> Losses, IReadOnlyList<Detections> Detections) forward(
        Tensor features, IReadOnlyList<Tensor> proposals, ImageList images, IReadOnlyList<InstanceTargets>? targets, Generator? generator) =>
        targets is null ? ([], Infer(features, proposals, images)) : (Losses(features, proposals, targets, generator), []);

    private Dictionary<string, Tensor> Losses(Tensor features, IReadOnlyList<Tensor> proposals, IReadOnlyList<InstanceTargets> targets, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var sampled = Enumerable.Range(0, proposals.Count).Select(i => _proposalSampler.Sample(proposals[i], targets[i], generator)).ToList();
        var rois = Rois(sampled.Select(s => s.Boxes).ToList());
        var boxFeatures = res5.call(_pooler.Forward(features, rois));
        var (scores, deltas) = box_predictor.call(boxFeatures.mean([2, 3]));
        var classes = cat(sampled.Select(s => s.Classes).ToList());
        var foreground = classes.lt(NumClasses).nonzero().flatten();
        var losses = FastRcnnLosses.Compute(scores, deltas, classes, foreground, sampled, NumClasses, _coder);
        if (mask_head is not null)
        {
            // No foreground ROI: a zero that keeps the graph connected.
            var maskLogits = foreground.shape[0] == 0 ? null : mask_head.call(boxFeatures.index_select(0, foreground));
            losses["loss_mask"] = maskLogits is null ? boxFeatures.sum() * 0
                : MaskRcnnLoss.Compute(maskLogits, classes.index_select(0, foreground), sampled, targets, NumClasses);
        }
        foreach (var key in losses.Keys.ToList()) losses[key] = losses[key].MoveToOuterDisposeScope();
        return losses;
    }

    private IReadOnlyList<Detections> Infer(Tensor features, IReadOnlyList<Tensor> proposals, ImageList images)
    {
        using var scope = NewDisposeScope();
        var rois = Rois(proposals);
        var (scores, deltas) = box_predictor.call(res5.call(_pooler.Forward(features, rois)).mean([2, 3]));
        var probabilities = nn.functional.softmax(scores, 1);
        var results = new List<Detections>();
        long start = 0;
        for (int i = 0; i < proposals.Count; i++)
        {
            long count = proposals[i].shape[0];
            var p = probabilities[TensorIndex.Slice(start, start + count)];
            var d = deltas[TensorIndex.Slice(start, start + count)];
            start += count;
            results.Add(FastRcnnInference.FilterImage(p, d, proposals[i], images.Sizes[i], NumClasses, _coder, _settings));
        }
        if (mask_head is not null)
            results = [.. results.Select((det, i) => det with { Masks = PredictMasks(features, det, i) })];
        return [.. results.Select(Keep)];
    }

    private static Detections Keep(Detections d) => new(
        d.Boxes.MoveToOuterDisposeScope(), d.Scores.MoveToOuterDisposeScope(), d.Classes.MoveToOuterDisposeScope(), d.Masks?.MoveToOuterDisposeScope());

    /// <summary>
    /// Mask probabilities (D, M, M) of the predicted class, recomputing res5 features for the
    /// predicted boxes (detectron2's forward_with_given_boxes).
    /// </summary>
    private Tensor PredictMasks(Tensor features, Detections detections, int image)
    {
        int m = 2 * ((_settings.PoolerResolution + 1) / 2);
        if (detections.Boxes.shape[0] == 0) return zeros([0, m, m], features.dtype, features.device);
        var index = full([detections.Boxes.shape[0], 1], (double)image, features.dtype, features.device);
        var logits = mask_head!.call(res5.call(_pooler.Forward(features, cat([index, detections.Boxes], 1))));
        return MaskRcnnInference.Probabilities(logits, detections.Classes);
    }

    /// <summary>(R, 5) rows of (image index, box) over all images.</summary>
    private static Tensor Rois(IReadOnlyList<Tensor> boxes)
    {
        var rows = boxes.Select((b, i) => cat([full([b.shape[0], 1], (double)i, b.dtype, b.device), b], 1)).ToList();
        return cat(rows);
    }
}
