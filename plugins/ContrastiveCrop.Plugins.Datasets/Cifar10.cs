using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>CIFAR-10, binary version: 50 000 train and 10 000 test images, 32×32, ten classes; held in memory.</summary>
[Plugin("cifar10", Description = "CIFAR-10 binary version (cifar-10-batches-bin/): train, test.")]
public sealed class Cifar10(CifarOptions options) : IDatasetSource
{
    private const string Layout = "<root>/cifar-10-batches-bin/data_batch_1.bin … data_batch_5.bin, test_batch.bin, batches.meta.txt (the CIFAR-10 binary version, unpacked)";

    /// <summary>Class names used when batches.meta.txt is absent.</summary>
    public static readonly IReadOnlyList<string> DefaultClasses =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        var (files, classes) = Files(split);
        var images = CifarBinary.Read(files, labelBytes: 1, labelIndex: 0, classCount: 10, Layout);
        return new InMemoryDataset($"cifar10/{split}", images, classes);
    }

    /// <inheritdoc />
    public DatasetHeader Inspect(string split)
    {
        var (files, classes) = Files(split);
        return new DatasetHeader(CifarBinary.CountRecords(files, labelBytes: 1, Layout), classes);
    }

    private (List<string> Files, IReadOnlyList<string> Classes) Files(string split)
    {
        string[] names = split switch
        {
            "train" => Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray(),
            "test" => ["test_batch.bin"],
            _ => throw new DatasetException($"cifar10 has no split '{split}'; it has: train, test."),
        };
        var folder = Folder(options.Root, "cifar-10-batches-bin", names);
        var files = names.Select(n => DatasetFiles.Find("CIFAR-10", Layout, Path.Combine(folder, n))).ToList();
        return (files, DatasetFiles.Lines(Path.Combine(folder, "batches.meta.txt")) ?? DefaultClasses);
    }

    /// <summary><paramref name="root"/>/<paramref name="sub"/> unless only <paramref name="root"/> itself holds one of the <paramref name="probes"/>.</summary>
    internal static string Folder(string root, string sub, params string[] probes) =>
        !Directory.Exists(Path.Combine(root, sub)) && probes.Any(p => File.Exists(Path.Combine(root, p))) ? root : Path.Combine(root, sub);
}
