using System.Globalization;
using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Data;

/// <summary>
/// Tiny-ImageNet-200 as distributed: <c>train/&lt;wnid&gt;/images/*.JPEG</c> with
/// <c>train/&lt;wnid&gt;/&lt;wnid&gt;_boxes.txt</c>, and <c>val/images/*.JPEG</c> labelled by
/// <c>val/val_annotations.txt</c> (<c>file  wnid  x0  y0  x1  y1</c>, tab-separated).
/// </summary>
public static class TinyImageNetLayout
{
    /// <summary>The layout, for error messages.</summary>
    public const string Layout =
        "<root>/train/<wnid>/images/*.JPEG (+ <wnid>_boxes.txt), <root>/val/images/*.JPEG and <root>/val/val_annotations.txt (Tiny-ImageNet-200 as unzipped)";

    /// <summary>The training split: an ImageFolder over <c>train/</c> plus the per-class box files where present.</summary>
    public static (ImageFolderIndex Index, NormalizedBox[]? Boxes) Train(string root)
    {
        var index = ImageFolderIndex.Scan(Path.Combine(root, "train"), Layout);
        var byFile = new Dictionary<string, NormalizedBox>(StringComparer.Ordinal);
        foreach (var wnid in index.Classes)
        {
            var boxFile = Path.Combine(index.Root, wnid, wnid + "_boxes.txt");
            if (File.Exists(boxFile))
                foreach (var (file, box) in ReadBoxLines(boxFile, 1)) byFile[file] = box;
        }
        return (index, BoxesFor(index.Files, byFile));
    }

    /// <summary>The validation split, labelled with the training split's class order.</summary>
    public static (ImageFolderIndex Index, NormalizedBox[]? Boxes) Validation(string root, IReadOnlyList<string> classes)
    {
        var annotations = DatasetFiles.Find("Tiny-ImageNet validation annotations", Layout, Path.Combine(root, "val", "val_annotations.txt"));
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var files = new List<string>();
        var labels = new List<int>();
        var byFile = new Dictionary<string, NormalizedBox>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(annotations);
        for (int n = 0; n < lines.Length; n++)
        {
            var parts = lines[n].Split('\t');
            if (lines[n].Trim().Length == 0) continue;
            if (parts.Length < 2) throw new DatasetException($"{annotations}:{n + 1}: expected 'file<TAB>wnid<TAB>x0<TAB>y0<TAB>x1<TAB>y1'.");
            if (!classIndex.TryGetValue(parts[1], out int label))
                throw new DatasetException($"{annotations}:{n + 1}: class '{parts[1]}' has no folder under '{Path.Combine(root, "train")}'.");
            var path = Path.Combine(root, "val", "images", parts[0]);
            if (!File.Exists(path)) throw new DatasetException($"{annotations}:{n + 1}: image '{path}' does not exist. Expected layout: {Layout}");
            files.Add(path);
            labels.Add(label);
            if (parts.Length >= 6 && ParseBox(parts.AsSpan(2, 4)) is { } box) byFile[path] = box;
        }
        var index = new ImageFolderIndex(Path.Combine(root, "val"), classes, files, labels);
        return (index, BoxesFor(files, byFile));
    }

    private static IEnumerable<(string File, NormalizedBox Box)> ReadBoxLines(string boxFile, int firstCoordinate)
    {
        var folder = Path.Combine(Path.GetDirectoryName(boxFile)!, "images");
        foreach (var line in File.ReadLines(boxFile))
        {
            var parts = line.Split('\t');
            if (parts.Length < firstCoordinate + 4) continue;
            var path = Path.Combine(folder, parts[0]);
            if (ParseBox(parts.AsSpan(firstCoordinate, 4)) is { } box) yield return (path, box);
        }
    }

    /// <summary>Pixel box x0 y0 x1 y1 (inclusive) on a 64×64 image → normalised rows/columns.</summary>
    private static NormalizedBox? ParseBox(ReadOnlySpan<string> xyxy)
    {
        const float Side = 64;
        var v = new float[4];
        for (int i = 0; i < 4; i++)
            if (!float.TryParse(xyxy[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i])) return null;
        return new NormalizedBox(Math.Clamp(v[1] / Side, 0, 1), Math.Clamp(v[0] / Side, 0, 1),
            Math.Clamp((v[3] + 1) / Side, 0, 1), Math.Clamp((v[2] + 1) / Side, 0, 1));
    }

    private static NormalizedBox[]? BoxesFor(IReadOnlyList<string> files, Dictionary<string, NormalizedBox> byFile) =>
        byFile.Count == 0 ? null : files.Select(f => byFile.GetValueOrDefault(f, NormalizedBox.Whole)).ToArray();
}
