using System.Text.Json;
using ContrastiveCrop.Sdk.Checkpoints;

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
        if (!Directory.Exists(run.Path))
            throw new DirectoryNotFoundException(File.Exists(run.Path)
                ? $"'{run.Path}' is a file, not a run directory. Pass the folder that 'ccrop run' created."
                : $"Run directory '{run.Path}' does not exist. Pass the folder that 'ccrop run' created.");
        if (!File.Exists(run.RecipeFile))
            throw new FileNotFoundException(
                $"'{run.Path}' is not a run directory: it has no recipe.yaml. Pass the folder that 'ccrop run' created.", run.RecipeFile);
        return run;
    }


    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> atomically (temp file, then rename).</summary>
    public static void WriteAtomically(string file, string text) => AtomicFile.Write(file, text);

    /// <summary>
    /// Writes a file through a temporary sibling and renames it into place, so a crash mid-write
    /// leaves the previous version intact. When the write fails (disk full, read-only), the temporary
    /// file is removed, the previous version stays, and a <see cref="FileWriteException"/> names the file.
    /// </summary>
    public static void WriteAtomically(string file, Action<Stream> write) => AtomicFile.Write(file, write);

    /// <summary>Writes the manifest as indented JSON.</summary>
    public void WriteManifest(RunManifest manifest) =>
        WriteAtomically(ManifestFile, JsonSerializer.Serialize(manifest with { ProcessId = Environment.ProcessId, Machine = Environment.MachineName }, ManifestJson));

    /// <summary>
    /// Writes the manifest of a run that is ending in failure; a failure of this write (often the same full
    /// disk) is swallowed so that the error reported is the one that stopped the run.
    /// </summary>
    public void TryWriteManifest(RunManifest manifest)
    {
        try
        {
            WriteManifest(manifest);
        }
        catch (FileWriteException)
        {
        }
    }

    /// <summary>
    /// Reads the manifest as it should be understood now: a run whose manifest says "running" but whose
    /// process on this machine is gone (killed, crashed, machine rebooted) is reported as interrupted, and
    /// the manifest is rewritten to say so. Returns null when the folder has no readable manifest.
    /// </summary>
    public RunManifest? ReadManifest()
    {
        RunManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(ManifestFile), ManifestJson);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
        if (manifest is null || !manifest.Status.StartsWith(RunManifest.Running, StringComparison.Ordinal) || IsAlive(manifest)) return manifest;
        var interrupted = manifest with { Status = $"{RunManifest.Interrupted} (the process stopped while the status was '{manifest.Status}')" };
        try
        {
            WriteAtomically(ManifestFile, JsonSerializer.Serialize(interrupted, ManifestJson));
        }
        catch (FileWriteException)
        {
            // Reporting the status right matters more than recording it.
        }
        return interrupted;
    }

    /// <summary>
    /// Whether the process that wrote <paramref name="manifest"/> may still be running: one that cannot be
    /// checked counts as alive; on this machine its id must name a live process started no later than the
    /// run (a later start means the id was reused after the run's process had gone).
    /// </summary>
    private static bool IsAlive(RunManifest manifest)
    {
        // Without a process id (an older manifest) or from another machine nothing can be checked.
        if (manifest.ProcessId is not { } pid || manifest.Machine != Environment.MachineName || pid == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited && process.StartTime.ToUniversalTime() <= manifest.StartUtc.AddMinutes(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// Removes temporary files (<c>*.tmp</c>) that a killed run left in the folder and its checkpoint
    /// folder; they are never complete files. Call only when no process is writing the run (on resume).
    /// Returns the files removed.
    /// </summary>
    public IReadOnlyList<string> RemoveLeftoverTemporaryFiles()
    {
        var removed = new List<string>();
        foreach (var folder in new[] { Path, CheckpointDirectory }.Where(Directory.Exists))
        foreach (var temp in Directory.EnumerateFiles(folder, "*" + AtomicFile.TemporarySuffix))
        {
            File.Delete(temp);
            removed.Add(temp);
        }
        return removed;
    }

    private static readonly JsonSerializerOptions ManifestJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // The manifest is read by people too: keep quotes and non-ASCII readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
