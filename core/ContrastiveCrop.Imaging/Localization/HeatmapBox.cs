using ContrastiveCrop.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Imaging.Localization;

/// <summary>
/// ContrastiveCrop's semantic-aware localisation: feature maps become per-image heatmaps, and a
/// heatmap becomes the rectangular closure of its hot positions.
/// </summary>
/// <remarks>
/// Boxes are stored as pixel extents, (first row / H, first column / W, (last row + 1) / H,
/// (last column + 1) / W). The official code divides the last index itself by H, which makes a box
/// covering every row end at (H − 1) / H instead of at the whole-image box (0, 0, 1, 1) that boxes
/// start from, and makes areas and IoU with true boxes one pixel short; the sampler's
/// <c>floor(H · h1)</c> differs from upstream's by at most one pixel.
/// </remarks>
public static class HeatmapBox
{
    /// <summary>
    /// Sums <paramref name="featureMaps"/> (N, C, h, w) over channels, min–max normalises each map
    /// to [0, 1] and upsamples it bilinearly (align_corners = false) to
    /// <paramref name="height"/> × <paramref name="width"/>. Returns (N, height, width) float32 on the CPU.
    /// </summary>
    /// <remarks>A flat map (max = min) has no hot spot; it becomes all zeros, so no threshold in (0, 1] selects anything.</remarks>
    public static Tensor Heatmaps(Tensor featureMaps, int height, int width)
    {
        using var scope = NewDisposeScope();
        return Upsampled(featureMaps, height, width).cpu().contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The per-row and per-column maxima of the <see cref="Heatmaps"/> of <paramref name="featureMaps"/>,
    /// reduced on the tensors' device: (N · height) row maxima and (N · width) column maxima, image
    /// by image. They are all a fixed or target-area threshold needs, so only N · (height + width)
    /// values reach managed memory instead of N · height · width.
    /// </summary>
    public static (float[] RowMax, float[] ColumnMax) Maxima(Tensor featureMaps, int height, int width)
    {
        using var scope = NewDisposeScope();
        var heat = Upsampled(featureMaps, height, width);
        return (heat.amax([2]).cpu().contiguous().data<float>().ToArray(), heat.amax([1]).cpu().contiguous().data<float>().ToArray());
    }

    /// <summary>True when <paramref name="rule"/> needs the whole heatmap (Otsu's histogram), not only its row and column maxima.</summary>
    public static bool NeedsWholeHeatmap(BoxThreshold rule) => rule.Mode == ThresholdMode.Otsu;

    /// <summary>(N, height, width) heatmaps on the feature maps' device.</summary>
    private static Tensor Upsampled(Tensor featureMaps, int height, int width)
    {
        if (featureMaps.dim() != 4)
            throw new ArgumentException($"Feature maps must be (N, C, h, w); got shape [{string.Join(", ", featureMaps.shape)}].");
        long n = featureMaps.shape[0], h = featureMaps.shape[2], w = featureMaps.shape[3];
        var summed = featureMaps.detach().to_type(ScalarType.Float32).sum(1).view(n, h * w);
        var min = summed.amin([1], keepdim: true);
        var range = summed.amax([1], keepdim: true) - min;
        var normalised = ((summed - min) / range.clamp_min(1e-12)).view(n, 1, h, w);
        return nn.functional.interpolate(normalised, [height, width], mode: InterpolationMode.Bilinear, align_corners: false).view(n, height, width);
    }

    /// <summary>
    /// The box of one heatmap (row-major <paramref name="height"/> × <paramref name="width"/>, values
    /// in [0, 1]) under <paramref name="rule"/>: first/last row whose maximum exceeds the threshold,
    /// first/last column likewise. When nothing exceeds it, the whole image.
    /// </summary>
    public static NormalizedBox Locate(ReadOnlySpan<float> heat, int height, int width, BoxThreshold rule)
    {
        if (heat.Length != height * width)
            throw new ArgumentException($"The heatmap holds {heat.Length} values; {height}×{width} = {height * width} were expected.");
        var rowMax = new float[height];
        var columnMax = new float[width];
        Array.Fill(rowMax, float.NegativeInfinity);
        Array.Fill(columnMax, float.NegativeInfinity);
        for (int y = 0; y < height; y++)
        {
            var row = heat.Slice(y * width, width);
            for (int x = 0; x < width; x++)
            {
                float v = row[x];
                if (v > rowMax[y]) rowMax[y] = v;
                if (v > columnMax[x]) columnMax[x] = v;
            }
        }
        return NeedsWholeHeatmap(rule) ? Closure(rowMax, columnMax, OtsuThreshold.Of(heat)) : Locate(rowMax, columnMax, rule);
    }

    /// <summary>
    /// The box of one heatmap from its per-row and per-column maxima (see <see cref="Maxima"/>) under a
    /// rule that needs no more (<see cref="NeedsWholeHeatmap"/> is false): the same box as
    /// <see cref="Locate(ReadOnlySpan{float}, int, int, BoxThreshold)"/> on the whole heatmap.
    /// </summary>
    public static NormalizedBox Locate(ReadOnlySpan<float> rowMax, ReadOnlySpan<float> columnMax, BoxThreshold rule) => rule.Mode switch
    {
        ThresholdMode.Fixed => Closure(rowMax, columnMax, (float)rule.Value),
        ThresholdMode.TargetArea => Closure(rowMax, columnMax, ThresholdForArea(rowMax, columnMax, rule.Value)),
        ThresholdMode.Otsu => throw new ArgumentException("Otsu's threshold needs the whole heatmap, not only its row and column maxima.", nameof(rule)),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Mode, "unknown threshold mode"),
    };

    /// <summary>
    /// The rectangular closure of the positions whose value exceeds <paramref name="k"/>, from the
    /// per-row and per-column maxima of a heatmap; the whole image when none does.
    /// </summary>
    public static NormalizedBox Closure(ReadOnlySpan<float> rowMax, ReadOnlySpan<float> columnMax, float k) =>
        TryClosure(rowMax, columnMax, k, out var box) ? box : NormalizedBox.Whole;

    private static bool TryClosure(ReadOnlySpan<float> rowMax, ReadOnlySpan<float> columnMax, float k, out NormalizedBox box)
    {
        var (top, bottom) = Span(rowMax, k);
        var (left, right) = Span(columnMax, k);
        box = default;
        // A row passes exactly when some column does (they share the hot position), so both spans exist or neither.
        if (top < 0 || left < 0) return false;
        box = new NormalizedBox(
            (float)top / rowMax.Length, (float)left / columnMax.Length,
            (float)(bottom + 1) / rowMax.Length, (float)(right + 1) / columnMax.Length);
        return true;
    }

    /// <summary>
    /// The largest threshold whose closure still covers at least <paramref name="targetArea"/> of the
    /// image. The closure only shrinks as the threshold rises, and changes only at values of the
    /// row/column maxima, so a binary search over those values finds it.
    /// </summary>
    private static float ThresholdForArea(ReadOnlySpan<float> rowMax, ReadOnlySpan<float> columnMax, double targetArea)
    {
        var values = rowMax.ToArray().Concat(columnMax.ToArray()).Distinct().Order().ToArray();
        int lo = 0, hi = values.Length - 1, best = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (TryClosure(rowMax, columnMax, values[mid], out var box) && box.Area >= targetArea)
            {
                best = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        // No value can be dropped without going below the target: keep every position.
        return best < 0 ? float.NegativeInfinity : values[best];
    }

    private static (int First, int Last) Span(ReadOnlySpan<float> maxima, float k)
    {
        int first = -1, last = -1;
        for (int i = 0; i < maxima.Length; i++)
        {
            if (maxima[i] <= k) continue;
            if (first < 0) first = i;
            last = i;
        }
        return (first, last);
    }
}
