using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>
/// STL-10, binary version: 5 000 labelled train, 8 000 test and 100 000 unlabeled 96×96 images.
/// Labelled splits are held in memory; the 2.8 GB unlabeled file is memory-mapped and decoded on access.
/// </summary>
[Plugin("stl10", Description = "STL-10 binary version (stl10_binary/): train, test, unlabeled, train+unlabeled, labeled.")]
public sealed class Stl10(Stl10Options options) : IDatasetSource
{
    private const string Layout = "<root>/stl10_binary/train_X.bin, train_y.bin, test_X.bin, test_y.bin, unlabeled_X.bin, class_names.txt (the STL-10 binary version, unpacked)";

    /// <summary>Class names used when class_names.txt is absent.</summary>
    public static readonly IReadOnlyList<string> DefaultClasses =
        ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"];

    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test", "unlabeled", "train+unlabeled", "labeled"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        var folder = Cifar10.Folder(options.Root, "stl10_binary", "train_X.bin", "test_X.bin", "unlabeled_X.bin");
        var classes = DatasetFiles.Lines(Path.Combine(folder, "class_names.txt")) ?? DefaultClasses;
        return split switch
        {
            "train" when options.UnlabeledInTrain => Open("train+unlabeled"),
            "train" or "labeled" => Labelled(folder, "train", classes),
            "test" => Labelled(folder, "test", classes),
            "unlabeled" => Unlabeled(folder, classes),
            "train+unlabeled" => new ConcatenatedDataset("stl10/train+unlabeled", Labelled(folder, "train", classes), Unlabeled(folder, classes)),
            _ => throw new DatasetException($"stl10 has no split '{split}'; it has: {string.Join(", ", Splits)}."),
        };
    }

    /// <inheritdoc />
    public DatasetHeader Inspect(string split)
    {
        var folder = Cifar10.Folder(options.Root, "stl10_binary", "train_X.bin", "test_X.bin", "unlabeled_X.bin");
        var classes = DatasetFiles.Lines(Path.Combine(folder, "class_names.txt")) ?? DefaultClasses;
        int Labelled(string name)
        {
            var imagesFile = DatasetFiles.Find($"STL-10 {name} images", Layout, Path.Combine(folder, $"{name}_X.bin"));
            var labelsFile = DatasetFiles.Find($"STL-10 {name} labels", Layout, Path.Combine(folder, $"{name}_y.bin"));
            int count = Stl10Binary.CountImages(imagesFile, new FileInfo(imagesFile).Length, Layout);
            long labels = new FileInfo(labelsFile).Length;
            if (labels != count)
                throw new DatasetException($"'{labelsFile}' holds {labels} labels but its images file holds {count} images. Expected layout: {Layout}");
            return count;
        }
        int Unlabeled()
        {
            var file = DatasetFiles.Find("STL-10 unlabeled images", Layout, Path.Combine(folder, "unlabeled_X.bin"));
            return Stl10Binary.CountImages(file, new FileInfo(file).Length, Layout);
        }
        int count = split switch
        {
            "train" when options.UnlabeledInTrain => Labelled("train") + Unlabeled(),
            "train" or "labeled" => Labelled("train"),
            "test" => Labelled("test"),
            "unlabeled" => Unlabeled(),
            "train+unlabeled" => Labelled("train") + Unlabeled(),
            _ => throw new DatasetException($"stl10 has no split '{split}'; it has: {string.Join(", ", Splits)}."),
        };
        return new DatasetHeader(count, classes);
    }

    private static InMemoryDataset Labelled(string folder, string split, IReadOnlyList<string> classes)
    {
        var imagesFile = DatasetFiles.Find($"STL-10 {split} images", Layout, Path.Combine(folder, $"{split}_X.bin"));
        var labelsFile = DatasetFiles.Find($"STL-10 {split} labels", Layout, Path.Combine(folder, $"{split}_y.bin"));
        var bytes = DatasetFiles.ReadAll(imagesFile);
        int count = Stl10Binary.CountImages(imagesFile, bytes.Length, Layout);
        var labels = Stl10Binary.ReadLabels(labelsFile, count, Layout);
        var images = new LabeledImage[count];
        Parallel.For(0, count, i => images[i] = new LabeledImage(Stl10Binary.ImageAt(bytes, i), labels[i]));
        return new InMemoryDataset($"stl10/{split}", images, classes);
    }

    private static MappedStl10Images Unlabeled(string folder, IReadOnlyList<string> classes) =>
        new("stl10/unlabeled", DatasetFiles.Find("STL-10 unlabeled images", Layout, Path.Combine(folder, "unlabeled_X.bin")), classes, Layout);
}
