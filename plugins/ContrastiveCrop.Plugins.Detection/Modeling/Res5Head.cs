using ContrastiveCrop.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// res5 run on each pooled ROI: torchvision's <c>layer4</c> (first block stride 2), followed by
/// the MoCo protocol's extra batch norm (<c>norm</c>, detectron2's Res5ROIHeadsExtraNorm).
/// </summary>
internal sealed class Res5Head : nn.Module<Tensor, Tensor>
{
    // Field names are the state_dict names: layer4 as in torchvision, so pretrained weights map directly.
    private readonly Sequential layer4;
    private readonly BatchNorm2d norm;

    public Res5Head(ResNetLayout layout, long inChannels, int baseWidth) : base(nameof(Res5Head))
    {
        long channels = inChannels;
        layer4 = ResNetStages.Stage(layout, ref channels, baseWidth * 8, layout.BlocksPerStage[3], stride: 2);
        norm = nn.BatchNorm2d(channels);
        OutChannels = channels;
        RegisterComponents();
        ResNetStages.Initialize(this);
    }

    /// <summary>Channels of the res5 output (2048 for ResNet-50).</summary>
    public long OutChannels { get; }

    public override Tensor forward(Tensor pooled)
    {
        using var scope = NewDisposeScope();
        return norm.call(layer4.call(pooled)).MoveToOuterDisposeScope();
    }
}
