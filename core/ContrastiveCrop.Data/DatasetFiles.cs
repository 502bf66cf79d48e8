using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Data;

/// <summary>Opening data-set files with errors that name the file and the expected layout.</summary>
public static class DatasetFiles
{
    /// <summary>Returns the first of <paramref name="candidates"/> that exists, else throws naming them all and the layout.</summary>
    public static string Find(string what, string layout, params string[] candidates)
    {
        foreach (var path in candidates)
            if (File.Exists(path)) return path;
        throw new DatasetException(
            $"{what}: '{Path.GetFullPath(candidates[0])}' does not exist" +
            (candidates.Length > 1 ? $" (also looked for {string.Join(", ", candidates.Skip(1).Select(c => $"'{Path.GetFullPath(c)}'"))})" : "") +
            $". Expected layout: {layout}");
    }

    /// <summary>Reads a whole file, turning I/O errors into <see cref="DatasetException"/>.</summary>
    public static byte[] ReadAll(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>Non-empty trimmed lines of an optional text file (class-name lists), or null when it is absent.</summary>
    public static string[]? Lines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray() : null;
}
