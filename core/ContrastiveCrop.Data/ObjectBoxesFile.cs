using System.Globalization;
using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Data;

/// <summary>
/// The sidecar of true object boxes next to an ImageFolder: a tab-separated text file, one line per
/// image, <c>relative/path.png  h0  w0  h1  w1</c> (normalised to [0, 1], rows then columns, like
/// <see cref="NormalizedBox"/>); lines starting with <c>#</c> are comments. Paths are relative to the
/// file's folder, with '/' separators.
/// </summary>
public static class ObjectBoxesFile
{
    /// <summary>The usual file name.</summary>
    public const string DefaultName = "boxes.tsv";

    /// <summary>Writes the boxes (sorted by path).</summary>
    public static void Write(string path, IEnumerable<(string RelativePath, NormalizedBox Box)> boxes)
    {
        var lines = new List<string> { "# path\th0\tw0\th1\tw1 (true object box, normalised: rows h, columns w)" };
        lines.AddRange(boxes.OrderBy(b => b.RelativePath, StringComparer.Ordinal).Select(b => string.Join('\t',
            b.RelativePath, F(b.Box.H0), F(b.Box.W0), F(b.Box.H1), F(b.Box.W1))));
        File.WriteAllLines(path, lines);
    }

    private static string F(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Reads the file into a map from relative path to box; throws naming the file and line when malformed.</summary>
    public static Dictionary<string, NormalizedBox> Read(string path)
    {
        var boxes = new Dictionary<string, NormalizedBox>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(path);
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t');
            var values = new float[4];
            if (parts.Length != 5 || !parts.Skip(1).Select((p, i) => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
                throw new DatasetException($"{path}:{n + 1}: expected 'path<TAB>h0<TAB>w0<TAB>h1<TAB>w1', got '{line}'.");
            var box = new NormalizedBox(values[0], values[1], values[2], values[3]);
            if (!(box.H0 >= 0 && box.W0 >= 0 && box.H1 <= 1 && box.W1 <= 1 && box.H0 < box.H1 && box.W0 < box.W1))
                throw new DatasetException($"{path}:{n + 1}: box {box} must satisfy 0 <= h0 < h1 <= 1 and 0 <= w0 < w1 <= 1.");
            boxes[parts[0]] = box;
        }
        return boxes;
    }
}
