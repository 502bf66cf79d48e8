using System.Text.Json;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>
/// A run's folder: <c>&lt;output&gt;/&lt;name&gt;-&lt;UTC time&gt;</c> holding the resolved recipe, the manifest,
/// metrics, checkpoints, plots and results.
/// </summary>
public sealed class RunDirectory
{
    private RunDirectory(string path) => Path = path;

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    /// <summary>The resolved recipe, as run.</summary>
    public string RecipeFile => System.IO.Path.Combine(Path, "recipe.yaml");

    /// <summary>What ran: plugins and versions, packages, seed, host, start and end.</summary>
    public string ManifestFile => System.IO.Path.Combine(Path, "manifest.json");

    /// <summary>One JSON object per line: stage, step, values.</summary>
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.jsonl");

    /// <summary>Human-readable log of the run.</summary>
    public string LogFile => System.IO.Path.Combine(Path, "run.log");

    /// <summary>TensorBoard event files, one per process that ran in this folder (<c>tensorboard --logdir</c> it or its parent).</summary>
    public string TensorBoardDirectory => System.IO.Path.Combine(Path, "tensorboard");

    /// <summary>The self-contained HTML report.</summary>
    public string ReportFile => System.IO.Path.Combine(Path, "report.html");

    /// <summary>Folder of checkpoints.</summary>
    public string CheckpointDirectory => System.IO.Path.Combine(Path, "checkpoints");

    /// <summary>The final results table.</summary>
    public string ResultsFile => System.IO.Path.Combine(Path, "results.md");

    /// <summary>Creates a new, uniquely named run folder under <paramref name="outputRoot"/>.</summary>
    public static RunDirectory Create(string outputRoot, string runName, DateTime startUtc)
    {
        var stamp = startUtc.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var baseName = System.IO.Path.Combine(System.IO.Path.GetFullPath(outputRoot), $"{runName}-{stamp}");
        var path = baseName;
        for (int i = 2; Directory.Exists(path); i++) path = $"{baseName}-{i}";
        Directory.CreateDirectory(path);
        Directory.CreateDirectory(System.IO.Path.Combine(path, "checkpoints"));
        return new RunDirectory(path);
    }

    /// <summary>Opens an existing run folder (for <c>--resume</c>); it must hold a recipe.</summary>
    public static RunDirectory Open(string path)
    {
        var run = new RunDirectory(System.IO.Path.GetFullPath(path));
        if (!File.Exists(run.RecipeFile))
            throw new FileNotFoundException(
                $"'{run.Path}' is not a run directory: it has no recipe.yaml. Pass the folder that 'ccrop run' created.", run.RecipeFile);
        return run;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> atomically (temp file, then rename).</summary>
    public static void WriteAtomically(string file, string text) =>
        WriteAtomically(file, stream => { using var w = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });

    /// <summary>
    /// Writes a file through a temporary sibling and renames it into place, so a crash mid-write
    /// leaves the previous version intact.
    /// </summary>
    public static void WriteAtomically(string file, Action<Stream> write)
    {
        var temp = file + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, file, overwrite: true);
    }

    /// <summary>Writes the manifest as indented JSON.</summary>
    public void WriteManifest(RunManifest manifest) =>
        WriteAtomically(ManifestFile, JsonSerializer.Serialize(manifest, ManifestJson));

    private static readonly JsonSerializerOptions ManifestJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // The manifest is read by people too: keep quotes and non-ASCII readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
