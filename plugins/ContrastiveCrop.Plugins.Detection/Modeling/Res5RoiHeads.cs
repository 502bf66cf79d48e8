using ContrastiveCrop.Detection.Boxes;
using ContrastiveCrop.Detection.Masks;
using ContrastiveCrop.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's Res5ROIHeads: in training, ground-truth boxes join the proposals, proposals are
/// matched at IoU 0.5 and 512 per image sampled (25% foreground, background class = K); each ROI
/// is pooled from res4 with aligned RoIAlign (14×14, adaptive sampling, scale 1/16), run through
/// res5, mean-pooled and classified; the mask head, when present, reads the same res5 features of
/// foreground ROIs. Inference keeps scores above 0.05, runs per-class NMS 0.5 and keeps 100.
/// </summary>
internal sealed class Res5RoiHeads : nn.Module
{
    // Field names are detectron2's state_dict names.
    private readonly Res5Head res5;
    private readonly FastRcnnPredictor box_predictor;
    private readonly MaskHead? mask_head;
    private readonly RoiAlign _pooler;
    private readonly BoxCoder _coder = BoxCoder.RoiHeads();
    private readonly Matcher _matcher = Matcher.RoiHeads();
    private readonly BalancedSampler _sampler;
    private readonly RoiHeadSettings _settings;

    public Res5RoiHeads(ResNetLayout layout, long inChannels, int baseWidth, int numClasses, bool masks, RoiHeadSettings settings)
        : base(nameof(Res5RoiHeads))
    {
        NumClasses = numClasses;
        _settings = settings;
        _sampler = new BalancedSampler(settings.BatchSizePerImage, settings.PositiveFraction);
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

    /// <summary>Training losses: <c>loss_cls</c>, <c>loss_box_reg</c> and, with masks, <c>loss_mask</c>.</summary>
    public Dictionary<string, Tensor> Losses(Tensor features, IReadOnlyList<Tensor> proposals, IReadOnlyList<InstanceTargets> targets, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var sampled = StageTimes.Measure(Timer, "roi_loss", () => Enumerable.Range(0, proposals.Count).Select(i => Sample(proposals[i], targets[i], generator)).ToList());
        var rois = Rois(sampled.Select(s => s.Boxes).ToList());
        var boxFeatures = res5.call(_pooler.Forward(features, rois));
        var (scores, deltas) = box_predictor.call(boxFeatures.mean([2, 3]));
        var classes = cat(sampled.Select(s => s.Classes).ToList());
        var foreground = classes.lt(NumClasses).nonzero().flatten();
        var losses = StageTimes.Measure(Timer, "roi_loss", () => BoxLosses(scores, deltas, classes, foreground, sampled));
        if (mask_head is not null)
        {
            // No foreground ROI: a zero that keeps the graph connected.
            var maskLogits = foreground.shape[0] == 0 ? null : mask_head.call(boxFeatures.index_select(0, foreground));
            losses["loss_mask"] = maskLogits is null ? boxFeatures.sum() * 0
                : StageTimes.Measure(Timer, "roi_loss", () => MaskLoss(maskLogits, classes.index_select(0, foreground), sampled, targets));
        }
        foreach (var key in losses.Keys.ToList()) losses[key] = losses[key].MoveToOuterDisposeScope();
        return losses;
    }

    /// <summary>Optional timer of the loss part (<c>roi_loss</c>: proposal sampling, targets and loss formulas).</summary>
    public StageTimes? Timer { get; set; }

    /// <summary>Cross-entropy over all sampled ROIs and class-specific L1 (smooth-L1 with β = 0) on the foreground ones, divided by all sampled ROIs.</summary>
    private Dictionary<string, Tensor> BoxLosses(Tensor scores, Tensor deltas, Tensor classes, Tensor foreground, IReadOnlyList<SampledRois> sampled)
    {
        var proposalBoxes = cat(sampled.Select(s => s.Boxes).ToList());
        var gtBoxes = cat(sampled.Select(s => s.MatchedBoxes).ToList());
        long r = classes.shape[0];
        var fgClasses = classes.index_select(0, foreground);
        var predicted = deltas.view(r, NumClasses, 4).index_select(0, foreground)
            .gather(1, fgClasses.view(-1, 1, 1).expand(-1, 1, 4)).squeeze(1);
        var targetDeltas = _coder.Encode(proposalBoxes.index_select(0, foreground), gtBoxes.index_select(0, foreground));
        return new Dictionary<string, Tensor>
        {
            ["loss_cls"] = nn.functional.cross_entropy(scores, classes),
            ["loss_box_reg"] = nn.functional.l1_loss(predicted, targetDeltas, reduction: nn.Reduction.Sum) / Math.Max(r, 1),
        };
    }

    /// <summary>Detections of each image from its proposals, in the coordinates of the network input.</summary>
    public IReadOnlyList<Detections> Infer(Tensor features, IReadOnlyList<Tensor> proposals, ImageList images)
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
            results.Add(FilterImage(p, d, proposals[i], images.Sizes[i]));
        }
        if (mask_head is not null)
            results = [.. results.Select((det, i) => det with { Masks = PredictMasks(features, det, i) })];
        return [.. results.Select(Keep)];
    }

    private static Detections Keep(Detections d) => new(
        d.Boxes.MoveToOuterDisposeScope(), d.Scores.MoveToOuterDisposeScope(), d.Classes.MoveToOuterDisposeScope(), d.Masks?.MoveToOuterDisposeScope());

    private Detections FilterImage(Tensor probabilities, Tensor deltas, Tensor proposals, (int Height, int Width) size)
    {
        long r = proposals.shape[0];
        int k = NumClasses;
        var boxes = _coder.Decode(deltas, proposals).view(r * k, 4);
        boxes = BoxOps.Clip(boxes, size.Height, size.Width).view(r, k, 4);
        var scores = probabilities[.., TensorIndex.Slice(0, k)];   // drop background
        var mask = scores.gt(_settings.ScoreThreshold);
        var index = mask.nonzero();                                 // (D, 2): roi, class
        var chosenBoxes = boxes[mask];
        var chosenScores = scores[mask];
        var chosenClasses = index[.., 1];
        var keep = Nms.Batched(chosenBoxes, chosenScores, chosenClasses, _settings.NmsThreshold);
        if (keep.shape[0] > _settings.DetectionsPerImage) keep = keep[.._settings.DetectionsPerImage];
        return new Detections(chosenBoxes.index_select(0, keep), chosenScores.index_select(0, keep), chosenClasses.index_select(0, keep), null);
    }

    /// <summary>Mask probabilities (D, M, M) of the predicted class, recomputing res5 features for the predicted boxes.</summary>
    private Tensor PredictMasks(Tensor features, Detections detections, int image)
    {
        int m = 2 * ((_settings.PoolerResolution + 1) / 2);
        if (detections.Boxes.shape[0] == 0) return zeros([0, m, m], features.dtype, features.device);
        var index = full([detections.Boxes.shape[0], 1], (double)image, features.dtype, features.device);
        var logits = mask_head!.call(res5.call(_pooler.Forward(features, cat([index, detections.Boxes], 1))));
        var chosen = logits.gather(1, detections.Classes.view(-1, 1, 1, 1).expand(-1, 1, logits.shape[2], logits.shape[3])).squeeze(1);
        return chosen.sigmoid();
    }

    private Tensor MaskLoss(Tensor logits, Tensor fgClasses, IReadOnlyList<SampledRois> sampled, IReadOnlyList<InstanceTargets> targets)
    {
        int m = (int)logits.shape[2];
        var chosen = logits.gather(1, fgClasses.view(-1, 1, 1, 1).expand(-1, 1, m, m)).squeeze(1);
        var maskTargets = new List<Tensor>();
        for (int i = 0; i < sampled.Count; i++)
        {
            var s = sampled[i];
            var fg = s.Classes.lt(NumClasses).nonzero().flatten();
            if (fg.shape[0] == 0) continue;
            var boxes = s.Boxes.index_select(0, fg).cpu().data<float>().ToArray();
            var matched = s.MatchedIndex.index_select(0, fg).cpu().data<long>().ToArray();
            var masks = targets[i].Masks ?? throw new InvalidOperationException("Mask R-CNN needs instance masks in the training data.");
            for (int j = 0; j < matched.Length; j++)
                maskTargets.Add(Target(masks[(int)matched[j]], boxes.AsSpan(4 * j, 4), m));
        }
        var target = stack(maskTargets).to(chosen.device);
        return nn.functional.binary_cross_entropy_with_logits(chosen, target);
    }

    private static Tensor Target(InstanceMask mask, ReadOnlySpan<float> box, int size)
    {
        if (mask.Polygons is { } polygons)
            return MaskTargets.FromPolygons(polygons, box[0], box[1], box[2], box[3], size);
        var rle = mask.Bitmask!;
        var bits = tensor(rle.Decode().Select(b => (float)b).ToArray(), [1, rle.Height, rle.Width]);
        return MaskTargets.FromBitmasks(bits, tensor(box.ToArray(), [1, 4]), size)[0];
    }

    /// <summary>(R, 5) rows of (image index, box) over all images.</summary>
    private static Tensor Rois(IReadOnlyList<Tensor> boxes)
    {
        var rows = boxes.Select((b, i) => cat([full([b.shape[0], 1], (double)i, b.dtype, b.device), b], 1)).ToList();
        return cat(rows);
    }

    private sealed record SampledRois(Tensor Boxes, Tensor Classes, Tensor MatchedBoxes, Tensor MatchedIndex);

    private SampledRois Sample(Tensor proposals, InstanceTargets target, Generator? generator)
    {
        using var noGrad = no_grad();
        var gt = target.Boxes.to(proposals.dtype);
        var boxes = cat([proposals, gt]);
        var (matches, labels) = _matcher.Match(BoxOps.PairwiseIou(gt, boxes));
        Tensor classes;
        if (gt.shape[0] == 0)
        {
            classes = full(boxes.shape[0], (long)NumClasses, ScalarType.Int64, device: boxes.device);
        }
        else
        {
            classes = target.Classes.index_select(0, matches);
            classes = classes.masked_fill(labels.eq(0), NumClasses).masked_fill(labels.eq(-1), -1);
        }
        var (pos, neg) = _sampler.Sample(classes, backgroundLabel: NumClasses, generator);
        var chosen = cat([pos, neg]);
        var matchedBoxes = gt.shape[0] == 0 ? zeros_like(boxes) : gt.index_select(0, matches);
        return new SampledRois(boxes.index_select(0, chosen), classes.index_select(0, chosen),
                               matchedBoxes.index_select(0, chosen), matches.index_select(0, chosen));
    }
}
