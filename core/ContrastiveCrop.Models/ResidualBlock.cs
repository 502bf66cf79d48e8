using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Models;

/// <summary>
/// What a ResNet needs from its two block kinds: how much a block widens its input and
/// which batch-norm closes its residual branch (the one zero-initialised on request).
/// </summary>
public abstract class ResidualBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>Names the module.</summary>
    protected ResidualBlock(string name) : base(name) { }

    /// <summary>The batch norm right before the residual addition.</summary>
    public abstract BatchNorm2d LastNorm { get; }

    /// <summary>
    /// torchvision's projection shortcut (<c>downsample.0</c> conv, <c>downsample.1</c> bn), needed
    /// whenever the block changes resolution or width; null for the identity shortcut.
    /// </summary>
    protected static Sequential? CreateShortcut(long inChannels, long outChannels, long stride)
    {
        if (stride == 1 && inChannels == outChannels) return null;
        return nn.Sequential(
            nn.Conv2d(inChannels, outChannels, kernel_size: 1, stride: stride, bias: false),
            nn.BatchNorm2d(outChannels));
    }

    /// <summary>relu(residual + shortcut(x)); the shortcut is the identity when <paramref name="shortcut"/> is null.</summary>
    protected static Tensor AddShortcut(Tensor residual, Tensor input, Sequential? shortcut)
    {
        var identity = shortcut is null ? input : shortcut.call(input);
        // TorchSharp 0.107's add passes the alpha Scalar's handle to native code without keeping the
        // Scalar alive, so an implicit `residual + identity` can have its Scalar finalized by the GC
        // mid-call (seen as "Expected false to be true ... toFloat" during a box-update pass). An
        // explicit Scalar held by `using` lives until the call has returned.
        using var one = 1.ToScalar();
        return nn.functional.relu(residual.add(identity, one));
    }
}
