using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Tiny-ImageNet-200 in its distributed layout: train class folders, val images labelled by val_annotations.txt; boxes from the annotation files.</summary>
[Plugin("tiny-imagenet", Description = "Tiny-ImageNet-200 as unzipped (train/<wnid>/images, val/val_annotations.txt): train, test.")]
public sealed class TinyImageNet(TinyImageNetOptions options) : IDatasetSource
{
    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        var (index, boxes) = Index(split);
        return new FileImageDataset($"tiny-imagenet/{split}", index, options.Cache == "memory", boxes);
    }

    /// <inheritdoc />
    public DatasetHeader Inspect(string split)
    {
        var (index, _) = Index(split);
        return new DatasetHeader(index.Files.Count, index.Classes) { Warnings = index.Warnings };
    }

    private (ImageFolderIndex Index, NormalizedBox[]? Boxes) Index(string split) => split switch
    {
        "train" => TinyImageNetLayout.Train(options.Root),
        "test" or "val" => TinyImageNetLayout.Validation(options.Root, ImageFolderIndex.ClassFolders(Path.Combine(options.Root, "train"), TinyImageNetLayout.Layout)),
        _ => throw new DatasetException($"tiny-imagenet has no split '{split}'; it has: train, test."),
    };
}
