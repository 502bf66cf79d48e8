namespace ContrastiveCrop.Tests;

/// <summary>Folders beside the test assembly and fresh temporary folders.</summary>
internal static class TestFolders
{
    /// <summary>First-party plugins deployed beside the tests.</summary>
    public static string Plugins => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The sample third-party plugin's build output, deployed beside the tests (not referenced).</summary>
    public static string SamplePlugin => Path.Combine(AppContext.BaseDirectory, "sample-plugins", "ContrastiveCrop.Samples.FixedBoxSampler");

    /// <summary>The content-aware sample plugin (reads the pixels of CropRequest), deployed beside the tests (not referenced).</summary>
    public static string EdgeSamplePlugin => Path.Combine(AppContext.BaseDirectory, "sample-plugins", "ContrastiveCrop.Samples.EdgeCentredSampler");

    /// <summary>A new empty folder under the system temp folder.</summary>
    public static string NewTemp(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "ccrop-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Copies a folder tree.</summary>
    public static void Copy(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }
}
