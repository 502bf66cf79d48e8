using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Where STL-10 (binary) is, and what the <c>train</c> split holds.</summary>
public sealed record Stl10Options : IValidatableOptions
{
    /// <summary>The folder holding <c>stl10_binary/</c> (or that folder itself).</summary>
    public string Root { get; init; } = "data";

    /// <summary>
    /// When true, <c>train</c> is train + unlabeled (105 000 images, as the official STL-10 pretraining
    /// uses); evaluations should then read the labelled images from the <c>labeled</c> split.
    /// </summary>
    public bool UnlabeledInTrain { get; init; } = false;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Root)) yield return new OptionError("root", "must name the folder holding stl10_binary/");
    }
}
