using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's StandardRPNHead: a shared 3×3 convolution + ReLU, then 1×1 convolutions giving A
/// objectness logits and 4A anchor deltas per location; all weights N(0, 0.01), biases 0.
/// </summary>
internal sealed class RpnHead : nn.Module<Tensor, (Tensor Logits, Tensor Deltas)>
{
    // Field names are detectron2's state_dict names.
    private readonly Conv2d conv;
    private readonly Conv2d objectness_logits;
    private readonly Conv2d anchor_deltas;

    public RpnHead(long channels, int anchorsPerLocation) : base(nameof(RpnHead))
    {
        conv = nn.Conv2d(channels, channels, kernel_size: 3, padding: 1);
        objectness_logits = nn.Conv2d(channels, anchorsPerLocation, kernel_size: 1);
        anchor_deltas = nn.Conv2d(channels, anchorsPerLocation * 4, kernel_size: 1);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var layer in new[] { conv, objectness_logits, anchor_deltas })
        {
            nn.init.normal_(layer.weight, 0, 0.01);
            nn.init.zeros_(layer.bias!);
        }
    }

    /// <summary>Logits (N, A, H, W) and deltas (N, 4A, H, W).</summary>
    public override (Tensor Logits, Tensor Deltas) forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var t = nn.functional.relu(conv.call(features));
        return (objectness_logits.call(t).MoveToOuterDisposeScope(), anchor_deltas.call(t).MoveToOuterDisposeScope());
    }
}
