using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Fashion-MNIST from its IDX files: 60 000 train and 10 000 test 28×28 grey images (as RGB), ten classes; held in memory.</summary>
[Plugin("fashion-mnist", Description = "Fashion-MNIST IDX files (plain or .gz; Debian's dataset-fashion-mnist found by default): train, test.")]
public sealed class FashionMnist(FashionMnistOptions options) : IDatasetSource
{
    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        if (split is not ("train" or "test")) throw new DatasetException($"fashion-mnist has no split '{split}'; it has: train, test.");
        var (images, labels) = FashionMnistFiles.Locate(options.Root, split);
        var all = IdxFile.ReadImages(images, labels);
        var kept = options.Limit > 0 && options.Limit < all.Count ? all.GetRange(0, options.Limit) : all;
        return new InMemoryDataset($"fashion-mnist/{split}", kept, FashionMnistFiles.ClassNames);
    }

    /// <inheritdoc />
    public DatasetHeader Inspect(string split)
    {
        if (split is not ("train" or "test")) throw new DatasetException($"fashion-mnist has no split '{split}'; it has: train, test.");
        var (images, labels) = FashionMnistFiles.Locate(options.Root, split);
        int count = IdxFile.CountImages(images, labels);
        return new DatasetHeader(options.Limit > 0 ? Math.Min(options.Limit, count) : count, FashionMnistFiles.ClassNames);
    }
}
