using System.Globalization;
using ContrastiveCrop.Detection.Formats;

namespace ContrastiveCrop.Detection.Evaluation;

/// <summary>
/// The devkit's per-class results files, one line "image score x1 y1 x2 y2" per detection.
/// Writing follows detectron2: boxes in 0-based model coordinates get +1 on x1 and y1 (undoing the
/// loader's −1), scores are written with 3 decimals and coordinates with 1.
/// </summary>
public static class VocResultsFile
{
    /// <summary>Reads one class's results file.</summary>
    public static IReadOnlyList<VocDetection> Read(string path)
    {
        var detections = new List<VocDetection>();
        int line = 0;
        foreach (var raw in File.ReadLines(path))
        {
            line++;
            var text = raw.Trim();
            if (text.Length == 0) continue;
            var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var numbers = new double[5];
            if (parts.Length != 6 || !parts.Skip(1).Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i])).All(ok => ok))
                throw new DetectionFormatException(path, $"line {line}", $"expected 'image score x1 y1 x2 y2', got '{text}'");
            detections.Add(new VocDetection(parts[0], numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]));
        }
        return detections;
    }

    /// <summary>One line for a detection given in 0-based model coordinates.</summary>
    public static string FormatLine(string imageId, double score, double x1, double y1, double x2, double y2) =>
        string.Create(CultureInfo.InvariantCulture, $"{imageId} {score:F3} {x1 + 1:F1} {y1 + 1:F1} {x2:F1} {y2:F1}");

    /// <summary>
    /// The results file of a class: <paramref name="results"/> is a template with "{}" for the class
    /// name, or a folder holding exactly one file named "…&lt;class&gt;.txt". Null when there is none.
    /// </summary>
    public static string? Locate(string results, string className)
    {
        if (results.Contains("{}", StringComparison.Ordinal))
        {
            var path = results.Replace("{}", className, StringComparison.Ordinal);
            return File.Exists(path) ? path : null;
        }
        if (!Directory.Exists(results))
            throw new DirectoryNotFoundException($"VOC results '{Path.GetFullPath(results)}' is neither a folder nor a template containing '{{}}'.");
        var candidates = Directory.GetFiles(results, "*.txt")
            .Where(f => Path.GetFileName(f) == className + ".txt" || Path.GetFileName(f).EndsWith("_" + className + ".txt", StringComparison.Ordinal))
            .ToArray();
        return candidates.Length switch
        {
            0 => null,
            1 => candidates[0],
            _ => throw new DetectionFormatException(results, className, $"several results files for class '{className}': {string.Join(", ", candidates.Select(Path.GetFileName))}"),
        };
    }
}
