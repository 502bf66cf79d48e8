using ContrastiveCrop.Detection.Boxes;
using static TorchSharp.torch;

namespace ContrastiveCrop.Detection.Masks;

/// <summary>
/// Mask-head training targets: the ground-truth mask seen through a proposal box, at M × M
/// (14 for C4), as detectron2 builds them.
/// </summary>
public static class MaskTargets
{
    /// <summary>
    /// Polygons: shifted to the box corner, scaled by M / box size (box sides floored at 0.1),
    /// then rasterised at M × M with the COCO rules. Returns (M, M) float 0/1.
    /// </summary>
    public static Tensor FromPolygons(IReadOnlyList<IReadOnlyList<double>> polygons, double x1, double y1, double x2, double y2, int size)
    {
        double ratioW = size / Math.Max(x2 - x1, 0.1);
        double ratioH = size / Math.Max(y2 - y1, 0.1);
        var moved = polygons.Select(p => (IReadOnlyList<double>)p.Select((v, i) => i % 2 == 0 ? (v - x1) * ratioW : (v - y1) * ratioH).ToArray()).ToArray();
        var mask = PolygonRasterizer.Rasterize(moved, size, size).Decode();
        return tensor(mask.Select(b => (float)b).ToArray(), [size, size]);
    }

    /// <summary>
    /// Bitmasks (N, H, W) of 0/1, each cropped by its box (N, 4) with aligned RoIAlign (adaptive
    /// sampling) and thresholded at 0.5. Returns (N, M, M) float 0/1.
    /// </summary>
    public static Tensor FromBitmasks(Tensor masks, Tensor boxes, int size)
    {
        using var scope = NewDisposeScope();
        long n = masks.shape[0];
        if (n == 0) return zeros([0, size, size]).MoveToOuterDisposeScope();
        var index = arange(n, ScalarType.Float32, boxes.device)[.., TensorIndex.None];
        var rois = cat([index, boxes.to(ScalarType.Float32)], 1);
        var pooled = new RoiAlign(size, size, 1.0, 0, aligned: true).Forward(masks.to(ScalarType.Float32)[.., TensorIndex.None], rois);
        return pooled.squeeze(1).ge(0.5).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
