using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Options of the generated shapes-on-clutter data set.</summary>
public sealed record ShapesOnClutterOptions : IValidatableOptions
{
    /// <summary>Images in the train split.</summary>
    public int TrainCount { get; init; } = 2000;

    /// <summary>Images in the test split.</summary>
    public int TestCount { get; init; } = 500;

    /// <summary>Side of the square images, in pixels.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Range of the object's side as a fraction of the image side.</summary>
    public IReadOnlyList<double> ObjectScale { get; init; } = [0.3, 0.6];

    /// <summary>Seed of the generator; the same seed gives the same pixels.</summary>
    public int Seed { get; init; } = 0;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (TrainCount <= 0) yield return new OptionError("train_count", "must be positive");
        if (TestCount <= 0) yield return new OptionError("test_count", "must be positive");
        if (ImageSize < 8) yield return new OptionError("image_size", "must be at least 8 pixels");
        if (ObjectScale.Count != 2 || ObjectScale[0] <= 0 || ObjectScale[0] > ObjectScale[1] || ObjectScale[1] > 1)
            yield return new OptionError("object_scale", "must be [min, max] with 0 < min <= max <= 1");
    }
}
