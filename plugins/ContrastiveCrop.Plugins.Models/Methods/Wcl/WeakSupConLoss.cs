using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// The supervised contrastive term of WCL: for each sample, the mean log-probability of its
/// positives (same weak label, itself excluded) under a softmax over all other samples of the
/// same view. Self-pairs are excluded from both the positives and the denominator.
/// </summary>
public static class WeakSupConLoss
{
    /// <summary>Loss of L2-normalised <paramref name="features"/> (N, D) supervised by <paramref name="positives"/> (N, N, 1 = same label).</summary>
    public static Tensor Compute(Tensor features, Tensor positives, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(temperature, 0.0);
        using var scope = NewDisposeScope();
        long n = features.shape[0];
        var logits = features.matmul(features.t()) / temperature;
        var others = ones(n, n, dtype: logits.dtype, device: logits.device) - eye(n, dtype: logits.dtype, device: logits.device);
        var mask = positives * others;
        var logProbability = logits - (logits.exp() * others).sum(1, keepdim: true).log();
        var meanPositive = (mask * logProbability).sum(1) / mask.sum(1);
        return (-meanPositive).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Compute"/> for some rows of a larger batch (a data-parallel job's own images): the loss of
    /// <paramref name="anchors"/> (n, D), which are rows <paramref name="first"/> … <paramref name="first"/> + n − 1 of
    /// <paramref name="candidates"/> (M, D), against all candidates, supervised by <paramref name="positives"/> (n, M);
    /// the mean over the n anchors.
    /// </summary>
    public static Tensor ComputeRows(Tensor anchors, Tensor candidates, Tensor positives, long first, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(temperature, 0.0);
        using var scope = NewDisposeScope();
        long n = anchors.shape[0], m = candidates.shape[0];
        var logits = anchors.matmul(candidates.t()) / temperature;
        // 0 at each anchor's own column: itself is neither a positive nor in the denominator.
        var self = zeros(n, m, dtype: logits.dtype, device: logits.device);
        self.narrow(1, first, n).copy_(eye(n, dtype: logits.dtype, device: logits.device));
        var others = 1 - self;
        var mask = positives * others;
        var logProbability = logits - (logits.exp() * others).sum(1, keepdim: true).log();
        var meanPositive = (mask * logProbability).sum(1) / mask.sum(1);
        return (-meanPositive).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// WCL's swapped form: each view's features are supervised by the weak labels of the other view,
    /// so the labels are not confirmed by the same embedding that produced them; the mean of both.
    /// </summary>
    public static Tensor Swapped(Tensor features1, Tensor features2, double temperature)
    {
        using var scope = NewDisposeScope();
        var loss = Swapped(features1, features2, NearestNeighbourComponents.SameComponentMask(features1),
                           NearestNeighbourComponents.SameComponentMask(features2), temperature);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The swapped form with each view's same-label masks (<see cref="NearestNeighbourComponents.SameComponentMask"/>) given.</summary>
    public static Tensor Swapped(Tensor features1, Tensor features2, Tensor labels1, Tensor labels2, double temperature)
    {
        using var scope = NewDisposeScope();
        var loss = (Compute(features1, labels2, temperature) + Compute(features2, labels1, temperature)) / 2;
        return loss.MoveToOuterDisposeScope();
    }
}
