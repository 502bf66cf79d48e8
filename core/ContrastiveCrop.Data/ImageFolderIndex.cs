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

    /// <summary>The class folder names under <paramref name="root"/>, in label order; throws naming the folder when there are none.</summary>
    public static IReadOnlyList<string> ClassFolders(string root, string layout)
    {
        if (!Directory.Exists(root))
            throw new DatasetException(
                File.Exists(root)
                    ? $"Image folder '{Path.GetFullPath(root)}' is a file, not a folder. Expected layout: {layout}"
                    : $"Image folder '{Path.GetFullPath(root)}' does not exist. Expected layout: {layout}");
        var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new DatasetException($"Image folder '{Path.GetFullPath(root)}' has no class sub-folders. Expected layout: {layout}");
        return classes;
    }

    /// <summary>Scans <paramref name="root"/>, numbering its own class folders; see <see cref="Scan(string, string, IReadOnlyList{string})"/>.</summary>
    public static ImageFolderIndex Scan(string root, string layout) => Scan(root, layout, ClassFolders(root, layout));

    /// <summary>
    /// Scans <paramref name="root"/>, labelling by the shared class list <paramref name="classes"/> (the
    /// training split's, so that every split numbers a class the same way). A class folder outside the
    /// list is an error naming the folder: its images would get a label that means another class. A class
    /// folder without images keeps its label (the list is shared, so no other label moves) and is listed in
    /// <see cref="EmptyClassFolders"/> for a warning; a split without any image is an error.
    /// </summary>
    public static ImageFolderIndex Scan(string root, string layout, IReadOnlyList<string> classes)
    {
        var present = ClassFolders(root, layout);
        var label = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var unknown = present.Where(c => !label.ContainsKey(c)).ToList();
        if (unknown.Count > 0)
            throw new DatasetException(
                $"Image folder '{Path.GetFullPath(root)}' has class folder(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))} that the " +
                $"training classes ({Abbreviated(classes)}) lack: every split must use the training split's classes (or list them in 'classes').");
        var files = new List<string>();
        var labels = new List<int>();
        var empty = new List<string>();
        foreach (var name in present.OrderBy(c => label[c]))
        {
            var folder = Path.Combine(root, name);
            var found = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(IsImage).Order(StringComparer.Ordinal).ToList();
            if (found.Count == 0) empty.Add(Path.GetFullPath(folder));
            files.AddRange(found);
            labels.AddRange(Enumerable.Repeat(label[name], found.Count));
        }
        if (files.Count == 0)
            throw new DatasetException(
                $"Image folder '{Path.GetFullPath(root)}' has class folders but no images ({string.Join(", ", Extensions)}). Expected layout: {layout}");
        return new ImageFolderIndex(root, classes, files, labels) { EmptyClassFolders = empty };
    }

    /// <summary>Class folders of this split that hold no image (their labels stay reserved).</summary>
    public IReadOnlyList<string> EmptyClassFolders { get; init; } = [];

    /// <summary>One warning per empty class folder, for the check made before a run.</summary>
    public IReadOnlyList<string> Warnings => EmptyClassFolders
        .Select(f => $"class folder '{f}' holds no images; its class keeps its label, so the other classes' labels are unchanged.")
        .ToList();

    private static string Abbreviated(IReadOnlyList<string> classes) =>
        classes.Count <= 6 ? string.Join(", ", classes) : $"{string.Join(", ", classes.Take(5))}, … {classes.Count} in all";
}
