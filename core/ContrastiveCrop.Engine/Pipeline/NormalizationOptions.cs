using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>The <c>normalization:</c> section of a recipe: R, G, B means and standard deviations of [0, 1] pixels.</summary>
public sealed record NormalizationOptions : IValidatableOptions
{
    /// <summary>R, G, B means (default: ImageNet's).</summary>
    public IReadOnlyList<double> Mean { get; init; } = [.. Normalization.ImageNet.Mean.Select(v => (double)v)];
    /// <summary>R, G, B standard deviations (default: ImageNet's).</summary>
    public IReadOnlyList<double> Std { get; init; } = [.. Normalization.ImageNet.Std.Select(v => (double)v)];

    /// <summary>The statistics as the run uses them.</summary>
    public Normalization ToNormalization() => new([.. Mean.Select(v => (float)v)], [.. Std.Select(v => (float)v)]);

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Mean.Count != 3) yield return new OptionError("mean", $"needs 3 values (R, G, B), got {Mean.Count}");
        else if (Mean.Any(m => !double.IsFinite(m))) yield return new OptionError("mean", "values must be finite numbers");
        if (Std.Count != 3) yield return new OptionError("std", $"needs 3 values (R, G, B), got {Std.Count}");
        else if (Std.Any(v => !(v > 0) || !double.IsFinite(v))) yield return new OptionError("std", "values must be positive");
    }
}
