using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>CIFAR-100, binary version: 50 000 train and 10 000 test images, 32×32, 100 fine / 20 coarse classes; held in memory.</summary>
[Plugin("cifar100", Description = "CIFAR-100 binary version (cifar-100-binary/): train, test; fine or coarse labels.")]
public sealed class Cifar100(CifarOptions options) : IDatasetSource
{
    private const string Layout = "<root>/cifar-100-binary/train.bin, test.bin, fine_label_names.txt, coarse_label_names.txt (the CIFAR-100 binary version, unpacked)";

    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        if (split is not ("train" or "test")) throw new DatasetException($"cifar100 has no split '{split}'; it has: train, test.");
        var folder = Cifar10.Folder(options.Root, "cifar-100-binary", split + ".bin");
        var file = DatasetFiles.Find("CIFAR-100", Layout, Path.Combine(folder, split + ".bin"));
        bool fine = options.Labels == "fine";
        int classCount = fine ? 100 : 20;
        // Records are <coarse label><fine label><3072 pixels>.
        var images = CifarBinary.Read([file], labelBytes: 2, labelIndex: fine ? 1 : 0, classCount, Layout);
        var classes = DatasetFiles.Lines(Path.Combine(folder, fine ? "fine_label_names.txt" : "coarse_label_names.txt"))
                      ?? Enumerable.Range(0, classCount).Select(i => $"class_{i}").ToArray();
        return new InMemoryDataset($"cifar100/{split}", images, classes);
    }

    /// <inheritdoc />
    public DatasetHeader Inspect(string split)
    {
        if (split is not ("train" or "test")) throw new DatasetException($"cifar100 has no split '{split}'; it has: train, test.");
        var folder = Cifar10.Folder(options.Root, "cifar-100-binary", split + ".bin");
        var file = DatasetFiles.Find("CIFAR-100", Layout, Path.Combine(folder, split + ".bin"));
        bool fine = options.Labels == "fine";
        var classes = DatasetFiles.Lines(Path.Combine(folder, fine ? "fine_label_names.txt" : "coarse_label_names.txt"))
                      ?? Enumerable.Range(0, fine ? 100 : 20).Select(i => $"class_{i}").ToArray();
        return new DatasetHeader(CifarBinary.CountRecords([file], labelBytes: 2, Layout), classes);
    }
}
