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

    /// <summary>
    /// Strength of the textured background, 0..1: 1 is full clutter, 0 a flat grey with noise. A short
    /// CPU run learns the shapes only where the background does not tell the images apart by itself.
    /// </summary>
    public double Clutter { get; init; } = 1;

    /// <summary>
    /// Saturation of the objects' tints, 0..1: 1 is a random saturated colour, 0 a grey of the same
    /// brightness. A Siamese method tells instances apart by the easiest cue; with a random hue per object
    /// that is the hue (the SimCLR paper's colour-histogram shortcut), and the shapes are not learned.
    /// </summary>
    public double Saturation { get; init; } = 1;

    /// <summary>Seed of the generator; the same seed gives the same pixels.</summary>
    public int Seed { get; init; } = 0;

    /// <summary>Largest side generated: every image is held in memory, and a 1024² one is already 3 MiB.</summary>
    public const int MaxImageSize = 1024;

    /// <summary>Most bytes of generated pixels (both splits): they are held in memory, so 16 GiB is the sane limit.</summary>
    public const long MaxBytes = 16L << 30;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (TrainCount <= 0) yield return new OptionError("train_count", "must be positive");
        if (TestCount <= 0) yield return new OptionError("test_count", "must be positive");
        if (ImageSize < 8) yield return new OptionError("image_size", "must be at least 8 pixels");
        if (ImageSize > MaxImageSize)
            yield return new OptionError("image_size", $"must be at most {MaxImageSize} pixels: generated images are held in memory ({ImageSize}² RGB is {Gib(3L * ImageSize * ImageSize)} each)");
        else if (ImageSize >= 8 && TrainCount > 0 && TestCount > 0 && (long)(TrainCount + (long)TestCount) * ImageSize * ImageSize * 3 is var bytes && bytes > MaxBytes)
            yield return new OptionError(TrainCount >= TestCount ? "train_count" : "test_count",
                $"{TrainCount:N0} + {TestCount:N0} generated images of {ImageSize}² pixels need {Gib(bytes)} of memory; at most {Gib(MaxBytes)} is allowed: generate fewer or smaller images");
        if (!(Clutter >= 0 && Clutter <= 1)) yield return new OptionError("clutter", $"must be between 0 and 1; got {Clutter}");
        if (!(Saturation >= 0 && Saturation <= 1)) yield return new OptionError("saturation", $"must be between 0 and 1; got {Saturation}");
        if (ObjectScale.Count != 2 || ObjectScale[0] <= 0 || ObjectScale[0] > ObjectScale[1] || ObjectScale[1] > 1)
            yield return new OptionError("object_scale", "must be [min, max] with 0 < min <= max <= 1");
    }

    private static string Gib(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : $"{bytes / (double)(1 << 20):0.#} MiB";
}
