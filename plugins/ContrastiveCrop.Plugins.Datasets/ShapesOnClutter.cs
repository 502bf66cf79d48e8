using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Imaging;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>
/// A generated data set needing no files: one tinted shape (ten classes) at a random size and
/// position on a textured, coloured background, with its true box. Small objects on clutter are
/// where ContrastiveCrop's localisation matters, and the true boxes let runs score it.
/// </summary>
[Plugin("shapes-on-clutter", Description = "Generated: ten tinted shapes on textured clutter, with true boxes (no files needed).")]
public sealed class ShapesOnClutter(ShapesOnClutterOptions options) : IDatasetSource
{
    /// <summary>The class names, in label order.</summary>
    public static readonly IReadOnlyList<string> ClassNames = Clutter.ShapeNames;

    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        var (count, seed) = split switch
        {
            "train" => (options.TrainCount, options.Seed * 2),
            "test" => (options.TestCount, options.Seed * 2 + 1),
            _ => throw new DatasetException($"shapes-on-clutter has no split '{split}'; it has: train, test."),
        };
        var images = new LabeledImage[count];
        var boxes = new NormalizedBox[count];
        Parallel.For(0, count, i => (images[i], boxes[i]) = Render(seed, i));
        return new InMemoryDataset($"shapes-on-clutter/{split}", images, ClassNames, boxes);
    }

    /// <inheritdoc />
    public DatasetHeader Inspect(string split) => split switch
    {
        "train" => new DatasetHeader(options.TrainCount, ClassNames),
        "test" => new DatasetHeader(options.TestCount, ClassNames),
        _ => throw new DatasetException($"shapes-on-clutter has no split '{split}'; it has: train, test."),
    };

    private (LabeledImage, NormalizedBox) Render(int seed, int index)
    {
        var random = new Random(DeterministicSeed.Combine(seed, index));
        int size = options.ImageSize;
        var pixels = new byte[size * size * 3];
        Clutter.PaintBackground(pixels, size, random, options.Clutter);

        int label = random.Next(ClassNames.Count);
        int side = Math.Max(4, (int)Math.Round(size * (options.ObjectScale[0] + (options.ObjectScale[1] - options.ObjectScale[0]) * random.NextDouble())));
        int top = random.Next(0, size - side + 1), left = random.Next(0, size - side + 1);
        var tint = Clutter.Tint(random, options.Saturation);
        var (minY, minX, maxY, maxX) = Clutter.PasteShape(pixels, size, top, left, side, label, tint, mask: null, round: false);
        var box = new NormalizedBox((float)minY / size, (float)minX / size, (float)(maxY + 1) / size, (float)(maxX + 1) / size);
        return (new LabeledImage(new RgbImage(size, size, pixels), label), box);
    }
}
