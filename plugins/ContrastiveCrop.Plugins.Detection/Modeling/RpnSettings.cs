namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>RPN hyper-parameters; the defaults are detectron2's for R50-C4.</summary>
internal sealed record RpnSettings
{
    public int PreNmsTopKTrain { get; init; } = 12000;
    public int PostNmsTopKTrain { get; init; } = 2000;
    public int PreNmsTopKTest { get; init; } = 6000;
    public int PostNmsTopKTest { get; init; } = 1000;
    public double NmsThreshold { get; init; } = 0.7;
    /// <summary>Proposals with a side ≤ this (pixels) are dropped.</summary>
    public double MinSize { get; init; } = 0;
    /// <summary>Anchors sampled per image for the loss.</summary>
    public int BatchSizePerImage { get; init; } = 256;
    public double PositiveFraction { get; init; } = 0.5;
}
