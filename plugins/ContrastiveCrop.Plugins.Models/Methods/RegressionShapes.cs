using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>Shape check shared by the prediction-regression losses of BYOL and SimSiam.</summary>
internal static class RegressionShapes
{
    public static void Require(Tensor predictions, Tensor targets, string loss)
    {
        if (predictions.ndim != 2 || !predictions.shape.SequenceEqual(targets.shape))
            throw new ArgumentException(
                $"{loss} needs predictions and targets of the same (N, D) shape; got [{string.Join(", ", predictions.shape)}] and [{string.Join(", ", targets.shape)}].");
    }
}
