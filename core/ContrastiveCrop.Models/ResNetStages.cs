using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Models;

/// <summary>
/// Builds torchvision's ResNet stages (<c>layerN</c>: blocks named 0, 1, …) and initialises them as
/// torchvision does, for every network that reuses ResNet stages (classification backbone,
/// detection trunk and res5 head).
/// </summary>
public static class ResNetStages
{
    /// <summary>
    /// One stage: only the first block changes stride and width. <paramref name="channels"/> is the
    /// input width on entry and the output width on return.
    /// </summary>
    public static Sequential Stage(ResNetLayout layout, ref long channels, long planes, int blocks, long stride)
    {
        var stage = new List<nn.Module<Tensor, Tensor>>(blocks);
        for (int i = 0; i < blocks; i++)
        {
            ResidualBlock block = layout.Bottleneck
                ? new Bottleneck(channels, planes, i == 0 ? stride : 1)
                : new BasicBlock(channels, planes, i == 0 ? stride : 1);
            stage.Add(block);
            channels = planes * layout.Expansion;
        }
        return nn.Sequential(stage);
    }

    /// <summary>
    /// torchvision's initialisation of every convolution and batch norm below <paramref name="root"/>:
    /// He-normal (fan-out, ReLU) convolutions, batch norms at γ = 1, β = 0; optionally the last batch
    /// norm of each residual block at γ = 0.
    /// </summary>
    public static void Initialize(nn.Module root, bool zeroInitResidual = false)
    {
        using var noGrad = no_grad();
        foreach (var module in root.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
        if (!zeroInitResidual) return;
        foreach (var block in root.modules().OfType<ResidualBlock>())
            nn.init.zeros_(block.LastNorm.weight);
    }
}
