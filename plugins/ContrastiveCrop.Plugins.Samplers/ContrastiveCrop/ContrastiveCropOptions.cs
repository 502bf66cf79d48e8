using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging.Localization;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>Options of <see cref="ContrastiveCropSampler"/>; defaults follow the official ImageNet config.</summary>
public sealed record ContrastiveCropOptions : CenterSuppressedCropOptions
{
    /// <summary>
    /// k: heatmap positions above it (heatmaps are min–max normalised to [0, 1]) make up the box.
    /// 0.1 as in the official configs; short CPU runs need about 0.5 (DESIGN §3).
    /// </summary>
    public double Threshold { get; init; } = 0.1;

    /// <summary><c>fixed</c> (k above), <c>otsu</c> (per-image Otsu threshold) or <c>target-area</c> (per image, the box closest above <see cref="TargetArea"/>).</summary>
    public ThresholdMode ThresholdMode { get; init; } = ThresholdMode.Fixed;

    /// <summary>With <c>threshold_mode: target-area</c>, the fraction of the image the box should cover.</summary>
    public double TargetArea { get; init; } = 0.5;

    /// <summary>Boxes are recomputed every this fraction of training (0.2: after 20/40/60/80 of 100 epochs).</summary>
    public double UpdateFraction { get; init; } = 0.2;

    /// <summary>When set, boxes are recomputed every this many epochs instead of <see cref="UpdateFraction"/>.</summary>
    public int? UpdateEpochs { get; init; }

    /// <summary>No box update before this many epochs are done (the first interval already delays the first one).</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>The threshold rule.</summary>
    public BoxThreshold Rule => new(ThresholdMode, ThresholdMode == ThresholdMode.TargetArea ? TargetArea : Threshold);

    /// <summary>The update schedule.</summary>
    public UpdateSchedule Schedule => new(UpdateFraction, UpdateEpochs, WarmupEpochs);

    /// <inheritdoc />
    public override IEnumerable<OptionError> Validate()
    {
        foreach (var error in base.Validate()) yield return error;
        if (Threshold is < 0 or >= 1 || double.IsNaN(Threshold))
            yield return new OptionError("threshold", $"must be in [0, 1) (heatmaps are normalised to [0, 1]), got {Threshold}");
        if (TargetArea is <= 0 or > 1 || double.IsNaN(TargetArea))
            yield return new OptionError("target_area", $"must be in (0, 1], got {TargetArea}");
        if (UpdateFraction is <= 0 or >= 1 || double.IsNaN(UpdateFraction))
            yield return new OptionError("update_fraction", $"must be in (0, 1), got {UpdateFraction}; use update_epochs for an interval in epochs");
        if (UpdateEpochs is <= 0) yield return new OptionError("update_epochs", $"must be positive (or omitted to use update_fraction), got {UpdateEpochs}");
        if (WarmupEpochs < 0) yield return new OptionError("warmup_epochs", $"must be 0 or positive, got {WarmupEpochs}");
    }
}
