using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Cropping;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>Scale and ratio ranges shared by the RandomResizedCrop-style samplers.</summary>
public record RandomResizedCropOptions : IValidatableOptions
{
    /// <summary>Crop area range as a fraction of the image area; (0.2, 1.0) as in the small-data configs.</summary>
    public IReadOnlyList<double> Scale { get; init; } = [0.2, 1.0];

    /// <summary>Aspect ratio (width/height) range; (3/4, 4/3) as in torchvision.</summary>
    public IReadOnlyList<double> Ratio { get; init; } = [3.0 / 4.0, 4.0 / 3.0];

    /// <summary>The ranges as one value.</summary>
    public ScaleRatio Range => new(Scale[0], Scale[1], Ratio[0], Ratio[1]);

    /// <inheritdoc />
    public virtual IEnumerable<OptionError> Validate()
    {
        if (Scale.Count != 2 || Scale[0] <= 0 || Scale[0] > Scale[1] || Scale[1] > 1)
            yield return new OptionError("scale", $"must be [min, max] with 0 < min <= max <= 1, got [{string.Join(", ", Scale)}]");
        if (Ratio.Count != 2 || Ratio[0] <= 0 || Ratio[0] > Ratio[1])
            yield return new OptionError("ratio", $"must be [min, max] with 0 < min <= max, got [{string.Join(", ", Ratio)}]");
    }
}
