namespace ContrastiveCrop.Imaging.Localization;

/// <summary>How a heatmap's threshold is chosen.</summary>
public enum ThresholdMode
{
    /// <summary>One fixed k for every image (the paper's rule; k = 0.1 by default).</summary>
    Fixed,
    /// <summary>Per image, Otsu's threshold on the heatmap's histogram.</summary>
    Otsu,
    /// <summary>Per image, the largest threshold whose box still covers a target fraction of the image.</summary>
    TargetArea,
}

/// <summary>A threshold rule: the mode and its value (k for <see cref="ThresholdMode.Fixed"/>, the area fraction for <see cref="ThresholdMode.TargetArea"/>, unused for Otsu).</summary>
/// <param name="Mode">How the threshold is chosen.</param>
/// <param name="Value">k, or the target area fraction.</param>
public readonly record struct BoxThreshold(ThresholdMode Mode, double Value)
{
    /// <summary>A fixed threshold k.</summary>
    public static BoxThreshold Fixed(double k) => new(ThresholdMode.Fixed, k);
}
