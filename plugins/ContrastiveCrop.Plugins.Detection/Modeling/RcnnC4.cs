using ContrastiveCrop.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>Architecture of an R-CNN C4 model.</summary>
/// <param name="Depth">ResNet depth of trunk and res5 head (50 for the paper).</param>
/// <param name="WidthMultiplier">ResNet width multiplier (1 for the paper; small for CPU runs).</param>
/// <param name="NumClasses">Foreground classes K.</param>
/// <param name="Masks">Mask R-CNN (true) or Faster R-CNN (false).</param>
internal sealed record RcnnArchitecture(int Depth, double WidthMultiplier, int NumClasses, bool Masks)
{
    public RpnSettings Rpn { get; init; } = new();
    public RoiHeadSettings RoiHeads { get; init; } = new();
}

/// <summary>
/// Faster / Mask R-CNN with a ResNet C4 backbone (detectron2's GeneralizedRCNN with Res5ROIHeads):
/// <c>backbone</c> (stem + res2..res4), <c>proposal_generator</c> (RPN on res4) and
/// <c>roi_heads</c> (res5 + box and mask predictors). Images arrive normalised and padded.
/// </summary>
internal sealed class RcnnC4 : nn.Module
{
    // Field names are the state_dict prefixes (detectron2's).
    private readonly C4Trunk backbone;
    private readonly RegionProposalNetwork proposal_generator;
    private readonly Res5RoiHeads roi_heads;

    public RcnnC4(RcnnArchitecture architecture) : base(nameof(RcnnC4))
    {
        Architecture = architecture;
        var layout = ResNetLayout.Of(architecture.Depth);
        int width = ResNetLayout.BaseWidth(architecture.WidthMultiplier);
        backbone = new C4Trunk(layout, width);
        proposal_generator = new RegionProposalNetwork(backbone.OutChannels, architecture.Rpn);
        roi_heads = new Res5RoiHeads(layout, backbone.OutChannels, width, architecture.NumClasses, architecture.Masks, architecture.RoiHeads);
        RegisterComponents();
    }

    /// <summary>Prefix of the trunk's parameters (torchvision's stem and layer1..3 below it).</summary>
    public const string TrunkPrefix = "backbone.";

    /// <summary>Prefix of res5's parameters (torchvision's layer4 below it).</summary>
    public const string Res5Prefix = "roi_heads.res5.";

    /// <summary>What this model was built from.</summary>
    public RcnnArchitecture Architecture { get; }

    // Not a registered component: the BatchNorms Freeze put in inference mode, kept there by train().
    private readonly List<nn.Module> _frozenNorms = [];

    /// <summary>
    /// Keeps the trunk's first <paramref name="freezeAt"/> stages at their current values (detectron2's FREEZE_AT:
    /// 1 the stem, 2 the stem and res2, … 4 the whole trunk to res4; res5 is the box head and always trains), their
    /// BatchNorms in inference mode; with <paramref name="frozenNorms"/> every ResNet BatchNorm (trunk and res5, not
    /// the extra norm after res5) uses its running statistics and fixed affine parameters (detectron2's FrozenBN).
    /// Call after the weights are loaded; returns the number of parameter tensors frozen.
    /// </summary>
    public int Freeze(int freezeAt, bool frozenNorms)
    {
        // torchvision's names of the trunk's stages, in order: stem, res2, res3, res4.
        string[][] stages = [["conv1.", "bn1."], ["layer1."], ["layer2."], ["layer3."]];
        if (freezeAt is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(freezeAt), freezeAt, "0 to 4 trunk stages can be frozen.");
        var frozenPrefixes = stages.Take(freezeAt).SelectMany(s => s).Select(s => TrunkPrefix + s).ToList();
        bool InFrozenStage(string name) => frozenPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        bool IsResNetNorm(string name) =>
            name.StartsWith(TrunkPrefix, StringComparison.Ordinal) || name.StartsWith(Res5Prefix + "layer4.", StringComparison.Ordinal);
        int frozen = 0;
        foreach (var (name, module) in named_modules())
        {
            if (module is not TorchSharp.Modules.BatchNorm2d || !(InFrozenStage(name + ".") || (frozenNorms && IsResNetNorm(name)))) continue;
            _frozenNorms.Add(module);
            foreach (var p in module.parameters()) { p.requires_grad = false; frozen++; }
        }
        foreach (var (name, p) in named_parameters())
            if (p.requires_grad && InFrozenStage(name)) { p.requires_grad = false; frozen++; }
        train(training);
        return frozen;
    }

    /// <inheritdoc />
    public override void train(bool on = true)
    {
        base.train(on);
        foreach (var norm in _frozenNorms) norm.eval();
    }

    /// <summary>Training losses of a batch: loss_rpn_cls, loss_rpn_loc, loss_cls, loss_box_reg (+ loss_mask).</summary>
    public Dictionary<string, Tensor> Losses(ImageList images, IReadOnlyList<InstanceTargets> targets, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var features = backbone.call(images.Tensor);
        var (proposals, losses) = proposal_generator.call(features, images, targets, generator);
        var (roiLosses, _) = roi_heads.call(features, proposals, images, targets, generator);
        foreach (var (k, v) in roiLosses) losses[k] = v;
        foreach (var key in losses.Keys.ToList()) losses[key] = losses[key].MoveToOuterDisposeScope();
        return losses;
    }

    /// <summary>Detections per image in the coordinates of the network input (no gradient).</summary>
    public IReadOnlyList<Detections> Infer(ImageList images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var features = backbone.call(images.Tensor);
        var (proposals, _) = proposal_generator.call(features, images, null, null);
        var (_, detections) = roi_heads.call(features, proposals, images, null, null);
        foreach (var d in detections)
        {
            d.Boxes.MoveToOuterDisposeScope(); d.Scores.MoveToOuterDisposeScope(); d.Classes.MoveToOuterDisposeScope(); d.Masks?.MoveToOuterDisposeScope();
        }
        return detections;
    }
}
