using static TorchSharp.torch;

namespace ContrastiveCrop.Detection.Boxes;

/// <summary>
/// Assigns each prediction (anchor or proposal) its best ground-truth box and a label by IoU
/// bands, as detectron2's Matcher: thresholds t₁ &lt; … split [−∞, t₁), [t₁, t₂), …, [tₖ, ∞) and
/// each band gets its label (1 foreground, 0 background, −1 ignore). With low-quality matches,
/// every prediction that ties for the highest IoU of some ground truth becomes foreground, so each
/// ground truth gets at least one match.
/// </summary>
public sealed class Matcher
{
    private readonly double[] _thresholds;
    private readonly int[] _labels;

    /// <summary>Creates a matcher; <paramref name="labels"/> has one more entry than <paramref name="thresholds"/>.</summary>
    public Matcher(IReadOnlyList<double> thresholds, IReadOnlyList<int> labels, bool allowLowQualityMatches)
    {
        if (labels.Count != thresholds.Count + 1)
            throw new ArgumentException($"A matcher needs one label per IoU band: {thresholds.Count} thresholds need {thresholds.Count + 1} labels, got {labels.Count}.");
        for (int i = 1; i < thresholds.Count; i++)
            if (thresholds[i] < thresholds[i - 1]) throw new ArgumentException("Matcher thresholds must be increasing.");
        if (labels.Any(l => l is < -1 or > 1)) throw new ArgumentException("Matcher labels must be -1, 0 or 1.");
        _thresholds = [.. thresholds];
        _labels = [.. labels];
        AllowLowQualityMatches = allowLowQualityMatches;
    }

    /// <summary>The RPN matcher: IoU &lt; 0.3 background, [0.3, 0.7) ignored, ≥ 0.7 foreground, low-quality matches on.</summary>
    public static Matcher Rpn() => new([0.3, 0.7], [0, -1, 1], allowLowQualityMatches: true);
    /// <summary>The ROI-head matcher: IoU &lt; 0.5 background, ≥ 0.5 foreground, no low-quality matches.</summary>
    public static Matcher RoiHeads() => new([0.5], [0, 1], allowLowQualityMatches: false);

    /// <summary>Whether low-quality matches are promoted to foreground.</summary>
    public bool AllowLowQualityMatches { get; }

    /// <summary>
    /// Matches predictions to ground truths given IoU (G, N). Returns the matched ground-truth index
    /// per prediction (N, int64) and its label (N, int64: 1, 0 or −1).
    /// </summary>
    public (Tensor Matches, Tensor Labels) Match(Tensor iou)
    {
        if (iou.dim() != 2) throw new ArgumentException($"Matcher expects a (G, N) IoU matrix, got {iou.dim()} dimensions.");
        using var scope = NewDisposeScope();
        long n = iou.shape[1];
        if (iou.shape[0] == 0 || n == 0)
        {
            // No ground truth: everything takes the lowest band's label (background for both heads).
            var none = zeros(n, ScalarType.Int64, device: iou.device);
            var fill = full(n, _labels[0], ScalarType.Int64, device: iou.device);
            return (none.MoveToOuterDisposeScope(), fill.MoveToOuterDisposeScope());
        }
        var (values, matches) = iou.max(0);
        var labels = full(n, 1, ScalarType.Int64, device: iou.device);
        var bounds = new[] { double.NegativeInfinity }.Concat(_thresholds).Append(double.PositiveInfinity).ToArray();
        for (int b = 0; b < _labels.Length; b++)
        {
            var band = (values >= bounds[b]).logical_and(values < bounds[b + 1]);
            labels.masked_fill_(band, _labels[b]);
        }
        if (AllowLowQualityMatches)
        {
            var best = iou.max(1).values;
            var ties = iou.eq(best[.., TensorIndex.None]);
            var predictions = ties.any(0);
            labels.masked_fill_(predictions, 1);
        }
        return (matches.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
