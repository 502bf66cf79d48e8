using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>
/// An ImageFolder (torchvision layout): <c>&lt;root&gt;/&lt;split dir&gt;/&lt;class&gt;/**/*.jpg|png</c>, classes
/// in ordinal order. ImageNet-style train/val works as is (val sorted into class folders). True
/// object boxes are read from a <c>boxes.tsv</c> sidecar when present.
/// </summary>
[Plugin("image-folder", Description = "ImageFolder of JPEG/PNG files (<root>/train/<class>/..., <root>/val/<class>/...): train, test.")]
public sealed class ImageFolder(ImageFolderOptions options) : IDatasetSource
{
    /// <summary>The expected layout, for error messages.</summary>
    public string Layout => $"<root>/{options.TrainDir}/<class>/*.jpg|png and <root>/{options.TestDir}/<class>/*.jpg|png (torchvision ImageFolder), root = '{Path.GetFullPath(options.Root)}'";

    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        var index = Index(split);
        return new FileImageDataset($"image-folder:{Path.GetFileName(Path.GetFullPath(options.Root))}/{split}", index,
            FileImageDataset.ShouldCache(index, options.Cache, options.CacheLimitMb), Boxes(index));
    }

    /// <inheritdoc />
    public DatasetHeader Inspect(string split)
    {
        var index = Index(split);
        Boxes(index);
        return new DatasetHeader(index.Files.Count, index.Classes) { Warnings = index.Warnings };
    }

    /// <summary>
    /// The split's files, labelled by one class list for every split: the <c>classes</c> option, or the
    /// training split's class folders. Numbering each split by its own folders would shift every label
    /// after a class that one split lacks.
    /// </summary>
    private ImageFolderIndex Index(string split)
    {
        string dir = split switch
        {
            "train" => options.TrainDir,
            "test" or "val" => options.TestDir,
            _ => throw new DatasetException($"image-folder has no split '{split}'; it has: train, test."),
        };
        var classes = options.Classes ?? ImageFolderIndex.ClassFolders(Path.Combine(options.Root, options.TrainDir), Layout);
        return ImageFolderIndex.Scan(Path.Combine(options.Root, dir), Layout, classes);
    }

    private NormalizedBox[]? Boxes(ImageFolderIndex index)
    {
        var sidecar = Path.Combine(options.Root, options.BoxesFile);
        if (!File.Exists(sidecar)) return null;
        var byPath = ObjectBoxesFile.Read(sidecar);
        var root = Path.GetDirectoryName(Path.GetFullPath(sidecar))!;
        return index.Files.Select(f =>
        {
            var relative = Path.GetRelativePath(root, Path.GetFullPath(f)).Replace(Path.DirectorySeparatorChar, '/');
            return byPath.TryGetValue(relative, out var box)
                ? box
                : throw new DatasetException($"'{sidecar}' has no box for '{relative}': regenerate the data set or remove the sidecar.");
        }).ToArray();
    }
}
