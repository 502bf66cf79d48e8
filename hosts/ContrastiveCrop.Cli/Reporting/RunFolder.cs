using System.Globalization;
using System.Text.Json;
using ContrastiveCrop.Engine.Runs;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>One line of a run's metrics.jsonl.</summary>
/// <param name="Stage">The stage that logged it (<c>pretrain/epoch</c>, <c>knn</c>, ...).</param>
/// <param name="Step">The step it belongs to.</param>
/// <param name="Time">When it was written (UTC); null when the line has no time.</param>
/// <param name="Values">Its values; non-finite values (stored as strings) are NaN or ±infinity here.</param>
internal sealed record MetricRecord(string Stage, long Step, DateTime? Time, IReadOnlyDictionary<string, double> Values);

/// <summary>One row of results.md: a stage's final metric.</summary>
internal sealed record ResultRow(string Stage, string Metric, double Value);

/// <summary>
/// What a run folder holds, read from its files only (so reports and listings work on folders from
/// other machines and on runs still in progress): manifest, resolved recipe, metrics and results.
/// </summary>
internal sealed class RunFolder
{
    private RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The folder's name (run name and start time).</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>manifest.json as text; null when missing.</summary>
    public string? ManifestText { get; private init; }

    /// <summary>recipe.yaml as text; null when missing.</summary>
    public string? RecipeText { get; private init; }

    /// <summary>The manifest's status: running, finished, failed: ... (null without a manifest).</summary>
    public string? Status { get; private init; }

    /// <summary>The manifest's start time.</summary>
    public DateTime? StartUtc { get; private init; }

    /// <summary>The manifest's end time.</summary>
    public DateTime? EndUtc { get; private init; }

    /// <summary>The run's seed (from the manifest).</summary>
    public long? Seed { get; private init; }

    /// <summary>Every metrics record, in file order.</summary>
    public IReadOnlyList<MetricRecord> Metrics { get; private init; } = [];

    /// <summary>The results table; empty until the run has finished.</summary>
    public IReadOnlyList<ResultRow> Results { get; private init; } = [];

    /// <summary>True when <paramref name="path"/> looks like a run folder (it has a manifest or a recipe).</summary>
    public static bool IsRunFolder(string path) =>
        File.Exists(System.IO.Path.Combine(path, "manifest.json")) || File.Exists(System.IO.Path.Combine(path, "recipe.yaml"));

    /// <summary>Reads <paramref name="path"/>; a folder without manifest or recipe is a user error.</summary>
    public static RunFolder Read(string path)
    {
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"Run folder '{System.IO.Path.GetFullPath(path)}' does not exist.");
        if (!IsRunFolder(path))
            throw new UsageException($"'{System.IO.Path.GetFullPath(path)}' is not a run folder: it has neither manifest.json nor recipe.yaml.");
        string File(string name) => System.IO.Path.Combine(path, name);
        var manifestText = ReadText(File("manifest.json"));
        string? status = null;
        DateTime? start = null, end = null;
        long? seed = null;
        if (manifestText is not null)
        {
            try
            {
                using var manifest = JsonDocument.Parse(manifestText);
                var root = manifest.RootElement;
                status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
                start = root.TryGetProperty("start_utc", out var a) && a.ValueKind == JsonValueKind.String ? a.GetDateTime().ToUniversalTime() : null;
                end = root.TryGetProperty("end_utc", out var b) && b.ValueKind == JsonValueKind.String ? b.GetDateTime().ToUniversalTime() : null;
                seed = root.TryGetProperty("seed", out var k) && k.ValueKind == JsonValueKind.Number ? k.GetInt64() : null;
            }
            catch (JsonException e)
            {
                throw new UsageException($"{File("manifest.json")}: not valid JSON ({e.Message}).");
            }
        }
        return new RunFolder(path)
        {
            ManifestText = manifestText, RecipeText = ReadText(File("recipe.yaml")), Status = status, StartUtc = start, EndUtc = end, Seed = seed,
            Metrics = ReadMetrics(File("metrics.jsonl")), Results = ReadResults(File("results.md")),
        };
    }

    /// <summary>The records of <paramref name="stage"/>.</summary>
    public IEnumerable<MetricRecord> Stage(string stage) => Metrics.Where(m => m.Stage == stage);

    /// <summary>
    /// (x, value) of <paramref name="metric"/> in the records of <paramref name="stage"/>, x being the
    /// record's <c>epoch</c> value when <paramref name="byEpoch"/> and its step otherwise. A resumed
    /// run logs the steps after its checkpoint again: the latest value per x wins.
    /// </summary>
    public IReadOnlyList<(double X, double Y)> Series(string stage, string metric, bool byEpoch)
    {
        var points = new SortedDictionary<double, double>();
        foreach (var record in Stage(stage))
        {
            if (!record.Values.TryGetValue(metric, out var y)) continue;
            double x;
            if (byEpoch)
            {
                if (!record.Values.TryGetValue("epoch", out x)) continue;
            }
            else x = record.Step;
            points[x] = y;
        }
        return [.. points.Select(p => (p.Key, p.Value))];
    }

    /// <summary>Files under <c>sub</c> matching <paramref name="pattern"/>, sorted by name.</summary>
    public IReadOnlyList<string> Files(string sub, string pattern)
    {
        var folder = System.IO.Path.Combine(Path, sub);
        return Directory.Exists(folder) ? [.. Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal)] : [];
    }

    private static string? ReadText(string file) => System.IO.File.Exists(file) ? System.IO.File.ReadAllText(file) : null;

    private static List<MetricRecord> ReadMetrics(string file)
    {
        var records = new List<MetricRecord>();
        if (!System.IO.File.Exists(file)) return records;
        int number = 0;
        // FileShare.ReadWrite: a running run keeps the file open for appending.
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var values = new Dictionary<string, double>();
                foreach (var value in root.GetProperty("values").EnumerateObject())
                    values[value.Name] = value.Value.ValueKind == JsonValueKind.Number
                        ? value.Value.GetDouble()
                        : double.Parse(value.Value.GetString() ?? "NaN", CultureInfo.InvariantCulture);
                DateTime? time = root.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.String ? t.GetDateTime().ToUniversalTime() : null;
                records.Add(new MetricRecord(root.GetProperty("stage").GetString() ?? "", root.GetProperty("step").GetInt64(), time, values));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                // A run killed mid-write leaves a partial last line; anything else is a damaged file.
                if (reader.Peek() < 0) break;
                throw new UsageException($"{file}:{number}: not a metrics record ({e.Message}).");
            }
        }
        return records;
    }

    private static List<ResultRow> ReadResults(string file)
    {
        var rows = new List<ResultRow>();
        if (!System.IO.File.Exists(file)) return rows;
        foreach (var line in System.IO.File.ReadLines(file))
        {
            // "| stage | metric | value |" rows as RunPipeline writes them; the header and rule do not parse as numbers.
            var cells = line.Split('|');
            if (cells.Length != 5) continue;
            if (double.TryParse(cells[3].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                rows.Add(new ResultRow(cells[1].Trim(), cells[2].Trim(), value));
        }
        return rows;
    }

    /// <summary>The run's <see cref="RunDirectory"/>-style report path.</summary>
    public string ReportFile => System.IO.Path.Combine(Path, "report.html");
}
