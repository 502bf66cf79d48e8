namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>ROI-head hyper-parameters; the defaults are detectron2's for R50-C4.</summary>
internal sealed record RoiHeadSettings
{
    public int BatchSizePerImage { get; init; } = 512;
    public double PositiveFraction { get; init; } = 0.25;
    public double ScoreThreshold { get; init; } = 0.05;
    public double NmsThreshold { get; init; } = 0.5;
    public int DetectionsPerImage { get; init; } = 100;
    /// <summary>Side of the RoIAlign output fed to res5 (res5 halves it) and of the mask targets.</summary>
    public int PoolerResolution { get; init; } = 14;
}
