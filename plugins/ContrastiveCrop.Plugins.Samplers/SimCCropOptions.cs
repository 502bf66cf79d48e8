using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>Options of <see cref="SimCCropSampler"/>: the official SimCCrop's fixed central box.</summary>
public sealed record SimCCropOptions : CenterSuppressedCropOptions
{
    /// <summary>The fixed box as [h0, w0, h1, w1]; the official configs use the central (0.25, 0.25, 0.75, 0.75).</summary>
    public IReadOnlyList<double> Box { get; init; } = [0.25, 0.25, 0.75, 0.75];

    /// <summary>The box as a value.</summary>
    public NormalizedBox FixedBox => new((float)Box[0], (float)Box[1], (float)Box[2], (float)Box[3]);

    /// <inheritdoc />
    public override IEnumerable<OptionError> Validate()
    {
        foreach (var error in base.Validate()) yield return error;
        if (Box.Count != 4 || Box.Any(v => v is < 0 or > 1 || double.IsNaN(v)) || Box[0] > Box[2] || Box[1] > Box[3])
            yield return new OptionError("box", $"must be [h0, w0, h1, w1] with 0 <= h0 <= h1 <= 1 and 0 <= w0 <= w1 <= 1, got [{string.Join(", ", Box)}]");
    }
}
