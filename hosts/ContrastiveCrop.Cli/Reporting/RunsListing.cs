using System.Globalization;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary><c>ccrop runs list [DIR]</c>: every run folder under a folder, oldest first, with what became of it.</summary>
internal static class RunsListing
{
    /// <summary>How deep to look: runs/&lt;run&gt; and compare grids' runs/&lt;grid&gt;/&lt;setting&gt;/&lt;run&gt;.</summary>
    private const int MaxDepth = 4;

    /// <summary>One line of the listing.</summary>
    public sealed record Entry(string Folder, RunState State, DateTime? StartUtc, int? LastEpoch, string Metrics);

    /// <summary>The run folders under <paramref name="root"/>, by start time.</summary>
    public static IReadOnlyList<Entry> List(string root, Func<string, int, DateTime, bool>? isAlive = null)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException(
                $"'{Path.GetFullPath(root)}' {(File.Exists(root) ? "is a file, not a folder" : "does not exist")}: pass the folder your runs are in (a recipe's output_dir, 'runs' by default).");
        var entries = new List<Entry>();
        foreach (var folder in RunFolders(Path.GetFullPath(root), 0))
        {
            RunFolder run;
            try
            {
                run = RunFolder.Read(folder);
            }
            catch (UsageException e)
            {
                entries.Add(new Entry(Path.GetRelativePath(root, folder), RunState.Unknown, null, null, e.Message));
                continue;
            }
            var epochs = run.Series("pretrain/epoch", "loss", byEpoch: true);
            var metrics = MainMetrics.Of(run);
            // Unfinished runs show their latest monitor accuracy, if any.
            var text = metrics.Count > 0
                ? string.Join(", ", metrics.Select(m => $"{m.Name} {Format(m.Value)}"))
                : string.Join(", ", run.Metrics.Where(m => m.Stage.StartsWith("monitor/", StringComparison.Ordinal) && m.Values.ContainsKey("top1"))
                                       .TakeLast(1).Select(m => $"{m.Stage} top1 {Format(m.Values["top1"])}"));
            entries.Add(new Entry(Path.GetRelativePath(root, folder), RunStatus.Of(run, isAlive), run.StartUtc,
                                  epochs.Count > 0 ? (int)epochs[^1].X : null, text));
        }
        return [.. entries.OrderBy(e => e.StartUtc ?? DateTime.MaxValue).ThenBy(e => e.Folder, StringComparer.Ordinal)];
    }

    /// <summary>Prints the listing as an aligned table.</summary>
    public static int Print(string root)
    {
        var entries = List(root);
        if (entries.Count == 0)
        {
            Console.WriteLine($"No run folders under {Path.GetFullPath(root)}.");
            return 0;
        }
        var rows = entries.Select(e => new[]
        {
            e.Folder, RunStatus.Word(e.State), e.LastEpoch?.ToString(CultureInfo.InvariantCulture) ?? "-",
            e.StartUtc?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-", e.Metrics,
        }).Prepend(["run", "status", "epoch", "started (UTC)", "main metrics"]).ToList();
        var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            Console.WriteLine(string.Join("  ", row.Take(4).Select((cell, c) => cell.PadRight(widths[c]))) + "  " + row[4]);
        return 0;
    }

    private static IEnumerable<string> RunFolders(string folder, int depth)
    {
        if (depth > 0 && RunFolder.IsRunFolder(folder))
        {
            yield return folder;
            yield break;
        }
        if (depth >= MaxDepth) yield break;
        foreach (var sub in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        foreach (var run in RunFolders(sub, depth + 1))
            yield return run;
    }

    private static string Format(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
