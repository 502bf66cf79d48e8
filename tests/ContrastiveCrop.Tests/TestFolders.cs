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

    /// <summary>The repository's root (the folder of ContrastiveCrop.Platform.sln) above the test output folder.</summary>
    public static string RepoRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ContrastiveCrop.Platform.sln"))) folder = folder.Parent;
            return folder?.FullName ?? throw new DirectoryNotFoundException("The repository root (ContrastiveCrop.Platform.sln) is not above the test folder.");
        }
    }

    /// <summary>A new empty folder under the system temp folder.</summary>
    public static string NewTemp(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "ccrop-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A file holding <paramref name="text"/>, named <paramref name="name"/>, in a new temp folder.</summary>
    public static string NewFile(string prefix, string name, string text)
    {
        var path = Path.Combine(NewTemp(prefix), name);
        File.WriteAllText(path, text);
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
