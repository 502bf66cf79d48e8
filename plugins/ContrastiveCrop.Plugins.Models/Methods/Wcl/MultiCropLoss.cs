using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// WCL's multi-crop terms (paper §3.4): each small view is an anchor scored against the two large
/// views of the batch only (small views are never candidates, as in SwAV's multi-crop), and its loss
/// is the negative mean log-softmax probability of its positives among those 2N candidates. With
/// own-image positives this is the multi-crop NT-Xent term (L_cNCE); with the large views' weak labels,
/// swapped, it is the multi-crop weak-label term (L_cswap).
/// </summary>
public static class MultiCropLoss
{
    /// <summary>
    /// Loss of L2-normalised <paramref name="anchors"/> (P, D) against <paramref name="candidates"/> (Q, D),
    /// supervised by <paramref name="positives"/> (P, Q; 1 = positive; every row needs one).
    /// </summary>
    public static Tensor Compute(Tensor anchors, Tensor candidates, Tensor positives, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(temperature, 0.0);
        using var scope = NewDisposeScope();
        var logProbability = (anchors.matmul(candidates.t()) / temperature).log_softmax(1);
        var meanPositive = (positives * logProbability).sum(1) / positives.sum(1);
        return (-meanPositive).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Positives of the NT-Xent term for <paramref name="smallViews"/> small views of <paramref name="n"/>
    /// images (anchor row m·n + i) against [view 1; view 2] (2n columns): the large views of image i.
    /// </summary>
    public static Tensor OwnImagePositives(long n, int smallViews, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        return eye(n, dtype: dtype, device: device).repeat(smallViews, 2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Positives of the weak-label term, swapped as for the large views: a small view of image i is
    /// positive to view-1 images with the same weak label as i under view 2's graph
    /// (<paramref name="labels2"/>) and to view-2 images sharing i's label under view 1's (<paramref name="labels1"/>).
    /// </summary>
    public static Tensor SwappedWeakPositives(Tensor labels1, Tensor labels2, int smallViews)
    {
        using var scope = NewDisposeScope();
        return cat([labels2, labels1], 1).repeat(smallViews, 1).MoveToOuterDisposeScope();
    }
}
