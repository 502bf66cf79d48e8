using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Models;

/// <summary>ResNet-18/34's block: two 3×3 convolutions; output width = <c>planes</c>.</summary>
public sealed class BasicBlock : ResidualBlock
{
    /// <summary>Output width divided by <c>planes</c>.</summary>
    public const int Expansion = 1;

    // Field names are the state_dict names; their order is torchvision's registration order.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    /// <summary>Creates the block; the stride sits on the first 3×3 convolution.</summary>
    public BasicBlock(long inChannels, long planes, long stride) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        conv2 = nn.Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        downsample = CreateShortcut(inChannels, planes * Expansion, stride);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override BatchNorm2d LastNorm => bn2;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // Callers own a dispose scope that collects the intermediates.
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        return AddShortcut(x, input, downsample);
    }
}
