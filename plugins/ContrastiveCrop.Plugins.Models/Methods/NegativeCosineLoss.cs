using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>SimSiam's loss D(p, z) = −cos(p, stop-grad(z)), averaged over the batch.</summary>
public static class NegativeCosineLoss
{
    /// <summary>Mean over rows of −cos(predictions_i, targets_i); targets get no gradient.</summary>
    /// <param name="predictions">(N, D) predictor outputs.</param>
    /// <param name="targets">(N, D) projections of the other view; detached here (the stop-gradient).</param>
    public static Tensor Compute(Tensor predictions, Tensor targets)
    {
        RegressionShapes.Require(predictions, targets, "SimSiam's negative cosine");
        using var scope = NewDisposeScope();
        return nn.functional.cosine_similarity(predictions, targets.detach(), dim: 1).mean().neg().MoveToOuterDisposeScope();
    }
}
