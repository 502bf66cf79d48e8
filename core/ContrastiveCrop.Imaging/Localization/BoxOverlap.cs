using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging.Localization;

/// <summary>Overlap of normalised boxes, for scoring learned boxes against true object boxes.</summary>
public static class BoxOverlap
{
    /// <summary>Intersection over union of two boxes in the same normalised coordinates (0 when both are empty).</summary>
    public static double IoU(NormalizedBox a, NormalizedBox b)
    {
        double ih = Math.Max(0, Math.Min(a.H1, b.H1) - Math.Max(a.H0, b.H0));
        double iw = Math.Max(0, Math.Min(a.W1, b.W1) - Math.Max(a.W0, b.W0));
        double intersection = ih * iw;
        double union = (double)a.Area + b.Area - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
