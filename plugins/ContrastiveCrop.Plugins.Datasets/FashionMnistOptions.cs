using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Where the Fashion-MNIST IDX files are.</summary>
public sealed record FashionMnistOptions : IValidatableOptions
{
    /// <summary>The folder of the four IDX files (plain or .gz); defaults to Debian's dataset-fashion-mnist location.</summary>
    public string Root { get; init; } = FashionMnistFiles.DebianRoot;

    /// <summary>Keep only the first this many images of each split (0: all); for quick CPU runs.</summary>
    public int Limit { get; init; } = 0;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Root)) yield return new OptionError("root", "must name the folder of the IDX files");
        if (Limit < 0) yield return new OptionError("limit", "must be 0 (all images) or positive");
    }
}
