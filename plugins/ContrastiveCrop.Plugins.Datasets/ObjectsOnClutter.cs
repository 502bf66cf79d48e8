using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>
/// A generated objects-on-clutter folder: PNG ImageFolder splits held in memory, with the true object
/// box of every image from <c>boxes.tsv</c> (required).
/// </summary>
[Plugin("objects-on-clutter", Description = "Generated objects on textured clutter (ccrop data generate objects-on-clutter): train, test, with true boxes.")]
public sealed class ObjectsOnClutter(ObjectsOnClutterOptions options) : IDatasetSource
{
    private readonly ImageFolder _folder = new(new ImageFolderOptions { Root = options.Root, TestDir = "test", Cache = "memory" });

    /// <inheritdoc />
    public IReadOnlyList<string> Splits => ["train", "test"];

    /// <inheritdoc />
    public IImageDataset Open(string split)
    {
        RequireSidecar();
        return _folder.Open(split);
    }

    /// <inheritdoc />
    public DatasetHeader Inspect(string split)
    {
        RequireSidecar();
        return _folder.Inspect(split);
    }

    private void RequireSidecar()
    {
        var sidecar = Path.Combine(options.Root, ObjectBoxesFile.DefaultName);
        if (!File.Exists(sidecar))
            throw new DatasetException(
                $"'{Path.GetFullPath(sidecar)}' does not exist: objects-on-clutter needs the folder written by " +
                $"'ccrop data generate objects-on-clutter --out {options.Root}' (train/<class>/*.png, test/<class>/*.png, boxes.tsv).");
    }
}
