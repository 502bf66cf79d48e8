using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// BYOL's regression loss: the mean squared error of L2-normalised vectors,
/// ‖p/‖p‖ − z/‖z‖‖² = 2 − 2·cos(p, z), averaged over the batch.
/// </summary>
public static class NormalizedMseLoss
{
    /// <summary>Mean over rows of 2 − 2·cos(predictions_i, targets_i); targets get no gradient.</summary>
    /// <param name="predictions">(N, D) online predictions.</param>
    /// <param name="targets">(N, D) target projections; detached here.</param>
    public static Tensor Compute(Tensor predictions, Tensor targets)
    {
        RegressionShapes.Require(predictions, targets, "BYOL's normalised MSE");
        using var scope = NewDisposeScope();
        var cosine = nn.functional.cosine_similarity(predictions, targets.detach(), dim: 1);
        return (2 - 2 * cosine).mean().MoveToOuterDisposeScope();
    }
}
