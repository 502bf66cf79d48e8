using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Where a generated objects-on-clutter folder is (see <c>ccrop data generate objects-on-clutter</c>).</summary>
public sealed record ObjectsOnClutterOptions : IValidatableOptions
{
    /// <summary>The folder written by the generator.</summary>
    public string Root { get; init; } = "data/objects-on-clutter";

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Root)) yield return new OptionError("root", "must name the generated folder");
    }
}
