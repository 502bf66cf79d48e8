using ContrastiveCrop.Detection.Boxes;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's RPN on the single res4 map: anchors (sizes 32..512 × ratios 0.5/1/2, stride 16),
/// the head's objectness and deltas, proposals (top-k before NMS, decode, clip, drop small,
/// NMS 0.7, top-k after) and, in training, the losses over 256 sampled anchors per image.
/// </summary>
/// <remarks>
/// A module with a typed forward, so callers invoke it through <c>call(...)</c> and forward hooks (stage timing)
/// see it from outside; its loss is part of its forward, as in detectron2.
/// </remarks>
internal sealed class RegionProposalNetwork
    : nn.Module<Tensor, ImageList, IReadOnlyList<InstanceTargets>?, Generator?, (IReadOnlyList<Tensor> Proposals, Dictionary<string, Tensor> Losses)>
{
    // Field name is detectron2's state_dict name.
    private readonly RpnHead rpn_head;
    private readonly AnchorGenerator _anchors = AnchorGenerator.C4();
    private readonly BoxCoder _coder = BoxCoder.Rpn();
    private readonly Matcher _matcher = Matcher.Rpn();
    private readonly BalancedSampler _sampler;
    private readonly RpnSettings _settings;

    public RegionProposalNetwork(long channels, RpnSettings settings) : base(nameof(RegionProposalNetwork))
    {
        _settings = settings;
        _sampler = new BalancedSampler(settings.BatchSizePerImage, settings.PositiveFraction);
        rpn_head = new RpnHead(channels, _anchors.AnchorsPerLocation);
        RegisterComponents();
    }

    /// <summary>
    /// Proposals per image (boxes (P, 4), detached, by decreasing objectness) and, when
    /// <paramref name="targets"/> are given, the losses <c>loss_rpn_cls</c> and <c>loss_rpn_loc</c>.
    /// </summary>
    public override (IReadOnlyList<Tensor> Proposals, Dictionary<string, Tensor> Losses) forward(
        Tensor features, ImageList images, IReadOnlyList<InstanceTargets>? targets, Generator? generator)
    {
        using var scope = NewDisposeScope();
        long n = features.shape[0];
        var (rawLogits, rawDeltas) = rpn_head.call(features);
        long h = features.shape[2], w = features.shape[3];
        int a = _anchors.AnchorsPerLocation;
        // Order (location row-major, then anchor) matches the anchor generator.
        var logits = rawLogits.permute(0, 2, 3, 1).reshape(n, -1);
        var deltas = rawDeltas.view(n, a, 4, h, w).permute(0, 3, 4, 1, 2).reshape(n, -1, 4);
        var anchors = _anchors.GridAnchors((int)h, (int)w).to(features.device);

        var proposals = new List<Tensor>();
        using (no_grad())
        {
            for (int i = 0; i < n; i++)
                proposals.Add(Propose(logits[i].detach(), deltas[i].detach(), anchors, images.Sizes[i]).MoveToOuterDisposeScope());
        }
        var losses = new Dictionary<string, Tensor>();
        if (targets is not null)
        {
            var (cls, loc) = Losses(logits, deltas, anchors, targets, generator);
            losses["loss_rpn_cls"] = cls.MoveToOuterDisposeScope();
            losses["loss_rpn_loc"] = loc.MoveToOuterDisposeScope();
        }
        return (proposals, losses);
    }

    private Tensor Propose(Tensor logits, Tensor deltas, Tensor anchors, (int Height, int Width) size)
    {
        bool train = training;
        int preNms = train ? _settings.PreNmsTopKTrain : _settings.PreNmsTopKTest;
        int postNms = train ? _settings.PostNmsTopKTrain : _settings.PostNmsTopKTest;
        var (scores, index) = logits.topk((int)Math.Min(preNms, logits.shape[0]));
        var boxes = _coder.Decode(deltas.index_select(0, index), anchors.index_select(0, index));
        boxes = BoxOps.Clip(boxes, size.Height, size.Width);
        var keep = BoxOps.NonEmpty(boxes, _settings.MinSize).logical_and(isfinite(boxes).all(1)).logical_and(isfinite(scores));
        boxes = boxes[keep];
        scores = scores[keep];
        var kept = Nms.Apply(boxes, scores, _settings.NmsThreshold);
        if (kept.shape[0] > postNms) kept = kept[..postNms];
        return boxes.index_select(0, kept);
    }

    private (Tensor Cls, Tensor Loc) Losses(Tensor logits, Tensor deltas, Tensor anchors, IReadOnlyList<InstanceTargets> targets, Generator? generator)
    {
        var labels = new List<Tensor>();
        var targetDeltas = new List<Tensor>();
        foreach (var target in targets)
        {
            var (label, matchedDeltas) = LabelAnchors(anchors, target.Boxes, generator);
            labels.Add(label);
            targetDeltas.Add(matchedDeltas);
        }
        var gtLabels = stack(labels);          // (N, HWA): 1, 0 or −1 (not sampled)
        var gtDeltas = stack(targetDeltas);    // (N, HWA, 4)
        var positive = gtLabels.eq(1);
        var valid = gtLabels.ge(0);
        // detectron2 normalises both sums by the number of anchors sampled per image × images.
        double normaliser = (double)_settings.BatchSizePerImage * logits.shape[0];
        var cls = nn.functional.binary_cross_entropy_with_logits(
            logits[valid], gtLabels[valid].to(logits.dtype), reduction: nn.Reduction.Sum) / normaliser;
        var loc = nn.functional.l1_loss(deltas[positive], gtDeltas[positive], reduction: nn.Reduction.Sum) / normaliser;
        return (cls, loc);
    }

    /// <summary>Sampled anchor labels (1 positive, 0 negative, −1 unused) and regression targets.</summary>
    private (Tensor Labels, Tensor Deltas) LabelAnchors(Tensor anchors, Tensor gtBoxes, Generator? generator)
    {
        using var noGrad = no_grad();
        var (matches, matchLabels) = _matcher.Match(BoxOps.PairwiseIou(gtBoxes, anchors));
        var (pos, neg) = _sampler.Sample(matchLabels, backgroundLabel: 0, generator);
        var labels = full(anchors.shape[0], -1L, ScalarType.Int64, device: anchors.device);
        labels.index_fill_(0, pos, 1);
        labels.index_fill_(0, neg, 0);
        var matched = gtBoxes.shape[0] == 0 ? zeros_like(anchors) : gtBoxes.index_select(0, matches);
        return (labels, _coder.Encode(anchors, matched));
    }
}
