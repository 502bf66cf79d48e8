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
        var (index, boxes) = split switch
        {
            "train" => TinyImageNetLayout.Train(options.Root),
            "test" or "val" => TinyImageNetLayout.Validation(options.Root, ImageFolderIndex.Scan(Path.Combine(options.Root, "train"), TinyImageNetLayout.Layout).Classes),
            _ => throw new DatasetException($"tiny-imagenet has no split '{split}'; it has: train, test."),
        };
        return new FileImageDataset($"tiny-imagenet/{split}", index, options.Cache == "memory", boxes);
    }
}
