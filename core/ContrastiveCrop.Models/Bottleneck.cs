using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Models;

/// <summary>
/// ResNet-50's block: 1×1 reduce, 3×3, 1×1 expand; output width = 4·<c>planes</c>. The stride sits
/// on the 3×3 convolution (torchvision's "ResNet v1.5"), not on the first 1×1.
/// </summary>
public sealed class Bottleneck : ResidualBlock
{
    /// <summary>Output width divided by <c>planes</c>.</summary>
    public const int Expansion = 4;

    // Field names are the state_dict names; their order is torchvision's registration order.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;

    /// <summary>Creates the block; the stride sits on the 3×3 convolution.</summary>
    public Bottleneck(long inChannels, long planes, long stride) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inChannels, planes, kernel_size: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        conv2 = nn.Conv2d(planes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        conv3 = nn.Conv2d(planes, planes * Expansion, kernel_size: 1, bias: false);
        bn3 = nn.BatchNorm2d(planes * Expansion);
        downsample = CreateShortcut(inChannels, planes * Expansion, stride);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override BatchNorm2d LastNorm => bn3;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // Callers own a dispose scope that collects the intermediates.
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = nn.functional.relu(bn2.call(conv2.call(x)));
        x = bn3.call(conv3.call(x));
        return AddShortcut(x, input, downsample);
    }
}
