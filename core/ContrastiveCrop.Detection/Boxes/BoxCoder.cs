using static TorchSharp.torch;

namespace ContrastiveCrop.Detection.Boxes;

/// <summary>
/// Encodes a target box relative to a reference box as (dx, dy, dw, dh) and back, with
/// detectron2's Box2BoxTransform conventions: centres and sizes without "+1", deltas scaled by
/// weights (10, 10, 5, 5) for ROI heads or (1, 1, 1, 1) for the RPN, dw/dh clamped before exp.
/// </summary>
public sealed class BoxCoder
{
    /// <summary>The clamp detectron2 applies to dw and dh: log(1000/16).</summary>
    public static readonly double DefaultScaleClamp = Math.Log(1000.0 / 16);

    /// <summary>Creates a coder with the given weights and clamp.</summary>
    public BoxCoder(double wx, double wy, double ww, double wh, double? scaleClamp = null)
    {
        if (wx <= 0 || wy <= 0 || ww <= 0 || wh <= 0) throw new ArgumentException("Box coder weights must be positive.");
        (Wx, Wy, Ww, Wh) = (wx, wy, ww, wh);
        ScaleClamp = scaleClamp ?? DefaultScaleClamp;
    }

    /// <summary>The ROI-head coder: weights (10, 10, 5, 5).</summary>
    public static BoxCoder RoiHeads() => new(10, 10, 5, 5);
    /// <summary>The RPN coder: weights (1, 1, 1, 1).</summary>
    public static BoxCoder Rpn() => new(1, 1, 1, 1);

    /// <summary>Weight of dx.</summary>
    public double Wx { get; }
    /// <summary>Weight of dy.</summary>
    public double Wy { get; }
    /// <summary>Weight of dw.</summary>
    public double Ww { get; }
    /// <summary>Weight of dh.</summary>
    public double Wh { get; }
    /// <summary>Upper bound applied to dw and dh before exponentiation.</summary>
    public double ScaleClamp { get; }

    /// <summary>Deltas (N, 4) that turn <paramref name="source"/> boxes into <paramref name="target"/> boxes.</summary>
    public Tensor Encode(Tensor source, Tensor target)
    {
        using var scope = NewDisposeScope();
        var (sw, sh, sx, sy) = Geometry(source);
        var (tw, th, tx, ty) = Geometry(target);
        var dx = Wx * (tx - sx) / sw;
        var dy = Wy * (ty - sy) / sh;
        var dw = Ww * log(tw / sw);
        var dh = Wh * log(th / sh);
        return stack([dx, dy, dw, dh], 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Applies deltas (N, 4k) to boxes (N, 4), giving (N, 4k) boxes: k = 1 for class-agnostic,
    /// k = classes for class-specific regression.
    /// </summary>
    public Tensor Decode(Tensor deltas, Tensor boxes)
    {
        using var scope = NewDisposeScope();
        var d = deltas.to_type(boxes.dtype);
        var (w, h, cx, cy) = Geometry(boxes);
        var n = d.shape[0];
        var d4 = d.reshape(n, -1, 4);
        var dx = d4[.., .., 0] / Wx;
        var dy = d4[.., .., 1] / Wy;
        var dw = (d4[.., .., 2] / Ww).clamp_max(ScaleClamp);
        var dh = (d4[.., .., 3] / Wh).clamp_max(ScaleClamp);
        var px = dx * w[.., TensorIndex.None] + cx[.., TensorIndex.None];
        var py = dy * h[.., TensorIndex.None] + cy[.., TensorIndex.None];
        var pw = exp(dw) * w[.., TensorIndex.None];
        var ph = exp(dh) * h[.., TensorIndex.None];
        var decoded = stack([px - 0.5 * pw, py - 0.5 * ph, px + 0.5 * pw, py + 0.5 * ph], 2);
        return decoded.reshape(d.shape).MoveToOuterDisposeScope();
    }

    private static (Tensor W, Tensor H, Tensor Cx, Tensor Cy) Geometry(Tensor boxes)
    {
        var w = boxes[.., 2] - boxes[.., 0];
        var h = boxes[.., 3] - boxes[.., 1];
        return (w, h, boxes[.., 0] + 0.5 * w, boxes[.., 1] + 0.5 * h);
    }
}
