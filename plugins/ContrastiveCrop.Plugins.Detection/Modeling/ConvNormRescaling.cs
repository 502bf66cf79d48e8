using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// Rescales every convolution that feeds a BatchNorm to the norm of a fresh He initialisation, scaling the
/// BatchNorm's running mean and variance with it, so the network computes the same function up to BatchNorm's
/// ε (in training mode BatchNorm divides the scale out; in eval mode the running statistics scale alike). Why: a weight followed by BatchNorm gets an effective learning rate of lr / ‖w‖², and pretraining
/// grows the norms (measured on the first command's SimCLR backbone: the stem ×4.5, res2 ×1.7 over He's), so
/// a pretrained backbone fine-tunes its early layers up to 20× slower than a randomly initialised one at the
/// same lr.
/// </summary>
internal static class ConvNormRescaling
{
    /// <summary>Rescales the pairs in <paramref name="module"/>; returns the factors applied, by convolution name.</summary>
    public static IReadOnlyList<(string Name, double Factor)> Apply(nn.Module module)
    {
        var factors = new List<(string, double)>();
        using var _ = no_grad();
        (string Name, Conv2d Conv)? pending = null;
        // Registration order is torchvision's: each convolution is followed by the BatchNorm that normalises it.
        foreach (var (name, child) in module.named_modules())
        {
            if (child is Conv2d conv) { pending = (name, conv); continue; }
            if (child is BatchNorm2d norm && pending is var (convName, c))
            {
                var weight = c.weight!;
                long fanOut = weight.shape[0] * weight.shape[2] * weight.shape[3];
                // He (fan_out, ReLU) draws each weight with variance 2 / fan_out: expected ‖w‖² = numel · 2 / fan_out.
                double target = Math.Sqrt(weight.numel() * 2.0 / fanOut);
                double current = weight.norm().item<float>();
                if (current > 0)
                {
                    double factor = target / current;
                    weight.mul_(factor);
                    norm.running_mean!.mul_(factor);
                    norm.running_var!.mul_(factor * factor);
                    factors.Add((convName, factor));
                }
            }
            pending = null;
        }
        return factors;
    }
}
