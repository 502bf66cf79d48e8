using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Detection.Boxes;

/// <summary>
/// Operations on boxes held as (N, 4) tensors in absolute (x1, y1, x2, y2) coordinates, with the
/// continuous-coordinate convention of detectron2 (width = x2 − x1, no "+1").
/// </summary>
public static class BoxOps
{
    /// <summary>Area of each box, (N,).</summary>
    public static Tensor Area(Tensor boxes) =>
        (boxes[.., 2] - boxes[.., 0]) * (boxes[.., 3] - boxes[.., 1]);

    /// <summary>Intersection area of every pair, (N, M).</summary>
    public static Tensor PairwiseIntersection(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var lowest = maximum(a[.., TensorIndex.None, 0..2], b[TensorIndex.None, .., 0..2]);
        var highest = minimum(a[.., TensorIndex.None, 2..4], b[TensorIndex.None, .., 2..4]);
        var wh = (highest - lowest).clamp_min(0);
        return (wh[.., .., 0] * wh[.., .., 1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// IoU of every pair, (N, M); 0 where boxes do not overlap, so empty boxes never divide by zero.
    /// </summary>
    public static Tensor PairwiseIou(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var inter = PairwiseIntersection(a, b);
        var union = Area(a)[.., TensorIndex.None] + Area(b)[TensorIndex.None, ..] - inter;
        return where(inter > 0, inter / union, zeros_like(inter)).MoveToOuterDisposeScope();
    }

    /// <summary>Boxes with x clamped to [0, width] and y to [0, height].</summary>
    public static Tensor Clip(Tensor boxes, long height, long width)
    {
        using var scope = NewDisposeScope();
        var x = boxes[.., TensorIndex.Slice(0, null, 2)].clamp(0, width);
        var y = boxes[.., TensorIndex.Slice(1, null, 2)].clamp(0, height);
        return stack([x[.., 0], y[.., 0], x[.., 1], y[.., 1]], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Mask of boxes whose width and height both exceed <paramref name="threshold"/>.</summary>
    public static Tensor NonEmpty(Tensor boxes, double threshold = 0)
    {
        using var scope = NewDisposeScope();
        var keep = ((boxes[.., 2] - boxes[.., 0]) > threshold).logical_and((boxes[.., 3] - boxes[.., 1]) > threshold);
        return keep.MoveToOuterDisposeScope();
    }
}
