using ContrastiveCrop.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// The C4 backbone: ResNet stem and res2..res4 (torchvision's <c>conv1</c>, <c>bn1</c>,
/// <c>layer1</c>..<c>layer3</c>), one feature map of stride 16 (1024 channels for ResNet-50).
/// Parameter names equal torchvision's, so a pretrained backbone's tensors load one to one.
/// </summary>
internal sealed class C4Trunk : nn.Module<Tensor, Tensor>
{
    /// <summary>Feature stride of the output relative to the input image.</summary>
    public const int Stride = 16;

    // Field names are the state_dict names (torchvision's).
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;

    public C4Trunk(ResNetLayout layout, int baseWidth) : base(nameof(C4Trunk))
    {
        conv1 = nn.Conv2d(3, baseWidth, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(baseWidth);
        long channels = baseWidth;
        layer1 = ResNetStages.Stage(layout, ref channels, baseWidth, layout.BlocksPerStage[0], stride: 1);
        layer2 = ResNetStages.Stage(layout, ref channels, baseWidth * 2, layout.BlocksPerStage[1], stride: 2);
        layer3 = ResNetStages.Stage(layout, ref channels, baseWidth * 4, layout.BlocksPerStage[2], stride: 2);
        OutChannels = channels;
        RegisterComponents();
        ResNetStages.Initialize(this);
    }

    /// <summary>Channels of the res4 map.</summary>
    public long OutChannels { get; }

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(images)));
        x = nn.functional.max_pool2d(x, kernel_size: [3], strides: [2], padding: [1]);
        return layer3.call(layer2.call(layer1.call(x))).MoveToOuterDisposeScope();
    }
}
