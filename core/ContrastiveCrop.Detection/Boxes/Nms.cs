using static TorchSharp.torch;

namespace ContrastiveCrop.Detection.Boxes;

/// <summary>
/// Greedy non-maximum suppression as torchvision's nms: boxes visited by decreasing score (ties
/// in input order), a box is dropped when its IoU with a kept box exceeds the threshold.
/// </summary>
public static class Nms
{
    /// <summary>Indices (int64) of the boxes kept, by decreasing score.</summary>
    public static Tensor Apply(Tensor boxes, Tensor scores, double iouThreshold)
    {
        // TorchSharp cannot enumerate an empty tensor: nothing to keep.
        if (scores.shape[0] == 0) return empty(0, ScalarType.Int64, device: boxes.device);
        var b = boxes.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        var s = scores.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        var keep = Keep(b, s, Enumerable.Range(0, s.Length).ToArray(), iouThreshold);
        return tensor(keep.Select(i => (long)i).ToArray(), ScalarType.Int64).to(boxes.device);
    }

    /// <summary>
    /// Per-class NMS: boxes of different <paramref name="classes"/> never suppress each other.
    /// Indices kept, by decreasing score.
    /// </summary>
    public static Tensor Batched(Tensor boxes, Tensor scores, Tensor classes, double iouThreshold)
    {
        // TorchSharp cannot enumerate an empty tensor: nothing to keep.
        if (scores.shape[0] == 0) return empty(0, ScalarType.Int64, device: boxes.device);
        var b = boxes.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        var s = scores.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        var c = classes.detach().to(ScalarType.Int64).cpu().data<long>().ToArray();
        var kept = new List<int>();
        foreach (var group in Enumerable.Range(0, c.Length).GroupBy(i => c[i]))
            kept.AddRange(Keep(b, s, [.. group], iouThreshold));
        var ordered = kept.OrderByDescending(i => s[i]).ThenBy(i => i).Select(i => (long)i).ToArray();
        return tensor(ordered, ScalarType.Int64).to(boxes.device);
    }

    private static List<int> Keep(double[] b, double[] s, int[] members, double threshold)
    {
        // OrderBy is stable, so equal scores keep input order.
        var order = members.OrderByDescending(i => s[i]).ToArray();
        var suppressed = new bool[order.Length];
        var keep = new List<int>();
        for (int p = 0; p < order.Length; p++)
        {
            if (suppressed[p]) continue;
            int i = order[p];
            keep.Add(i);
            double areaI = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
            for (int q = p + 1; q < order.Length; q++)
            {
                if (suppressed[q]) continue;
                int j = order[q];
                double w = Math.Min(b[4 * i + 2], b[4 * j + 2]) - Math.Max(b[4 * i], b[4 * j]);
                double h = Math.Min(b[4 * i + 3], b[4 * j + 3]) - Math.Max(b[4 * i + 1], b[4 * j + 1]);
                if (w <= 0 || h <= 0) continue;
                double inter = w * h;
                double areaJ = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
                if (inter / (areaI + areaJ - inter) > threshold) suppressed[q] = true;
            }
        }
        return keep;
    }
}
