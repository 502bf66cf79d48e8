using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// The C4 mask head (detectron2's MaskRCNNConvUpsampleHead with no convolutions): a 2×2 stride-2
/// transposed convolution to 256 channels + ReLU, then a 1×1 convolution to one logit map per
/// class, turning 7×7 res5 features into 14×14 masks. MSRA-fill (fan-out) for the transposed
/// convolution, N(0, 0.001) for the predictor, as detectron2 initialises them.
/// </summary>
internal sealed class MaskHead : nn.Module<Tensor, Tensor>
{
    /// <summary>Channels of the upsampled mask features.</summary>
    public const int Channels = 256;

    // Field names are detectron2's state_dict names.
    private readonly ConvTranspose2d deconv;
    private readonly Conv2d predictor;

    public MaskHead(long inChannels, int numClasses) : base(nameof(MaskHead))
    {
        deconv = nn.ConvTranspose2d(inChannels, Channels, kernel_size: 2, stride: 2);
        predictor = nn.Conv2d(Channels, numClasses, kernel_size: 1);
        RegisterComponents();
        using var noGrad = no_grad();
        nn.init.kaiming_normal_(deconv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        nn.init.zeros_(deconv.bias!);
        nn.init.normal_(predictor.weight, 0, 0.001);
        nn.init.zeros_(predictor.bias!);
    }

    /// <summary>Mask logits (R, K, 2h, 2w) of res5 features (R, C, h, w).</summary>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        return predictor.call(nn.functional.relu(deconv.call(features))).MoveToOuterDisposeScope();
    }
}
