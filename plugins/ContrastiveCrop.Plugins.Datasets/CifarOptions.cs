using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Where a CIFAR binary-version data set is.</summary>
public sealed record CifarOptions : IValidatableOptions
{
    /// <summary>The folder holding <c>cifar-10-batches-bin/</c> or <c>cifar-100-binary/</c> (or that folder itself).</summary>
    public string Root { get; init; } = "data";

    /// <summary>CIFAR-100 only: <c>fine</c> (100 classes, the usual) or <c>coarse</c> (20 superclasses).</summary>
    public string Labels { get; init; } = "fine";

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Root)) yield return new OptionError("root", "must name the folder holding the data set");
        if (Labels is not ("fine" or "coarse")) yield return new OptionError("labels", "must be 'fine' or 'coarse'");
    }
}
