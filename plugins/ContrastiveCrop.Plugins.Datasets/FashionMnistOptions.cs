using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Where the Fashion-MNIST IDX files are.</summary>
public sealed record FashionMnistOptions : IValidatableOptions
{
    /// <summary>The folder of the four IDX files (plain or .gz); defaults to Debian's dataset-fashion-mnist location.</summary>
    public string Root { get; init; } = FashionMnistFiles.DebianRoot;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Root)) yield return new OptionError("root", "must name the folder of the IDX files");
    }
}
