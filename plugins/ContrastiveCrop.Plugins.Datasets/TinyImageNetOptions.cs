using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Where Tiny-ImageNet-200 is unpacked and how it is held.</summary>
public sealed record TinyImageNetOptions : IValidatableOptions
{
    /// <summary>The <c>tiny-imagenet-200</c> folder.</summary>
    public string Root { get; init; } = "data/tiny-imagenet-200";

    /// <summary><c>memory</c> (default: 100 000 × 64² × 3 bytes ≈ 1.2 GB decoded) or <c>stream</c>.</summary>
    public string Cache { get; init; } = "memory";

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Root)) yield return new OptionError("root", "must name the tiny-imagenet-200 folder");
        if (Cache is not ("memory" or "stream")) yield return new OptionError("cache", "must be memory or stream");
    }
}
