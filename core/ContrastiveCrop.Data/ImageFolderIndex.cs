using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Data;

/// <summary>
/// The files of an ImageFolder split: one sub-folder per class (sorted ordinally, as torchvision
/// does), image files found recursively inside it and sorted by path.
/// </summary>
/// <param name="Root">The split folder.</param>
/// <param name="Classes">Class folder names in label order.</param>
/// <param name="Files">Full paths of the images.</param>
/// <param name="Labels">Label of each file.</param>
public sealed record ImageFolderIndex(string Root, IReadOnlyList<string> Classes, IReadOnlyList<string> Files, IReadOnlyList<int> Labels)
{
    /// <summary>The file name endings read as images (case-insensitive).</summary>
    public static readonly IReadOnlyList<string> Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    /// <summary>Whether <paramref name="path"/> has an image extension.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Scans <paramref name="root"/>; throws naming the folder and the layout when it is missing or holds no images.</summary>
    public static ImageFolderIndex Scan(string root, string layout)
    {
        if (!Directory.Exists(root))
            throw new DatasetException($"Image folder '{Path.GetFullPath(root)}' does not exist. Expected layout: {layout}");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new DatasetException($"Image folder '{Path.GetFullPath(root)}' has no class sub-folders. Expected layout: {layout}");
        var files = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < classes.Count; label++)
        {
            var found = Directory.EnumerateFiles(Path.Combine(root, classes[label]), "*", SearchOption.AllDirectories)
                .Where(IsImage).Order(StringComparer.Ordinal).ToList();
            files.AddRange(found);
            labels.AddRange(Enumerable.Repeat(label, found.Count));
        }
        if (files.Count == 0)
            throw new DatasetException(
                $"Image folder '{Path.GetFullPath(root)}' has class folders but no images ({string.Join(", ", Extensions)}). Expected layout: {layout}");
        return new ImageFolderIndex(root, classes, files, labels);
    }
}
