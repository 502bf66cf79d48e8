using Autofac;
using ContrastiveCrop.Cli.Reporting;
using ContrastiveCrop.Engine.Pipeline;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runs;

namespace ContrastiveCrop.Cli.Comparison;

/// <summary>
/// <c>ccrop compare &lt;recipe&gt; --vary KEY=[v1, v2, …] --seeds 0,1,2</c>: runs every (value, seed)
/// cell, reusing a cell's finished run when its resolved recipe is unchanged, and writes
/// compare.md, compare.csv and compare.html into the comparison folder.
/// </summary>
internal static class CompareCommand
{
    /// <summary>The file names written into the comparison folder.</summary>
    public const string Markdown = "compare.md", Csv = "compare.csv", Html = "compare.html";

    /// <summary>
    /// Loads one cell: the user's --set overrides, then the cell's own (the --vary value, seed, output_dir). An error in a
    /// cell's own override names the option the user typed (--vary, --seeds, --out), not a --set they never wrote.
    /// </summary>
    private static (RunPlan Plan, IContainer Container) LoadCell(string recipe, string[] overrides, string[] cell, string[] pluginFolders,
                                                                        string vary, string seeds, string? output) =>
        Commands.Load(recipe, overrides, [.. cell.Select(argument => new Commands.OwnSetting(argument,
            argument.StartsWith("seed=", StringComparison.Ordinal) ? new SourceLocation("--seeds", 1, 1) { Argument = seeds }
            : argument.StartsWith("output_dir=", StringComparison.Ordinal) ? (output is null ? null : new SourceLocation("--out", 1, 1) { Argument = output })
            : new SourceLocation("--vary", 1, 1) { Argument = $"{vary} (the value {argument[(argument.IndexOf('=') + 1)..]})" }))],
            pluginFolders);

    public static int Run(string recipe, string vary, string seeds, string[] overrides, string[] pluginFolders, string? output)
    {
        var grid = ComparisonGrid.Parse(vary, seeds);
        // Resolve and validate every cell before any work starts: a bad value stops here, not after hours.
        string root;
        {
            var (first, container) = LoadCell(recipe, overrides, [$"{grid.Key}={grid.Settings[0].Value}"], pluginFolders, vary, seeds, output);
            container.Dispose();
            root = Path.GetFullPath(output ?? Path.Combine(first.Recipe.OutputDir, $"compare-{first.Recipe.Name}"));
        }
        var cells = new List<(int Setting, long Seed, string Folder, string[] Overrides, string Resolved)>();
        for (int s = 0; s < grid.Settings.Count; s++)
        foreach (var seed in grid.Seeds)
        {
            var folder = grid.CellFolder(root, grid.Settings[s], seed);
            string[] cellOverrides = [.. overrides, .. grid.Overrides(grid.Settings[s], seed, folder)];
            var (plan, container) = LoadCell(recipe, overrides, [.. grid.Overrides(grid.Settings[s], seed, folder)], pluginFolders, vary, seeds, output);
            container.Dispose();
            cells.Add((s, seed, folder, cellOverrides, RecipeWriter.ToYaml(plan.Resolved)));
        }

        var runs = new Dictionary<(int, long), string>();
        using var signals = InterruptSignals.Listen();
        var cancel = signals.Token;
        for (int i = 0; i < cells.Count; i++)
        {
            var (s, seed, folder, cellOverrides, resolved) = cells[i];
            var label = $"[{i + 1}/{cells.Count}] {grid.Key}={grid.Settings[s].Value} seed {seed}";
            if (FinishedRun(folder, resolved) is { } done)
            {
                Console.WriteLine($"{label}: reusing the finished run {done}");
                runs[(s, seed)] = done;
                continue;
            }
            Console.WriteLine($"{label}: running");
            var (plan, container) = Commands.Load(recipe, cellOverrides, pluginFolders);
            using (container)
            {
                using var reporter = ConsoleReporter.Create();
                var directory = new RunPipeline(container.Resolve<PluginFactory>(), reporter.Log, reporter).Execute(plan, cancel);
                Commands.Conclude(directory);
                runs[(s, seed)] = directory.Path;
            }
        }

        var table = new ComparisonTable(grid, runs.ToDictionary(r => r.Key, r => MainMetrics.Of(RunFolder.Read(r.Value))));
        if (table.Metrics.Count == 0)
            throw new UsageException($"{recipe}: the runs report no accuracy or AP (evaluate has no knn, linear-probe or detection stage), so there is nothing to compare.");
        Directory.CreateDirectory(root);
        var markdown = table.Markdown();
        RunDirectory.WriteAtomically(Path.Combine(root, Markdown), markdown);
        RunDirectory.WriteAtomically(Path.Combine(root, Csv), table.Csv());
        RunDirectory.WriteAtomically(Path.Combine(root, Html), table.Html(runs.ToDictionary(r => r.Key, r => Path.GetRelativePath(root, r.Value))));
        Console.WriteLine();
        Console.Write(markdown);
        Console.WriteLine();
        Console.WriteLine($"Comparison: {Path.Combine(root, Markdown)}, {Csv}, {Html}");
        return 0;
    }

    /// <summary>The newest finished run in <paramref name="cellFolder"/> whose recipe.yaml is <paramref name="resolved"/>.</summary>
    private static string? FinishedRun(string cellFolder, string resolved)
    {
        if (!Directory.Exists(cellFolder)) return null;
        return Directory.GetDirectories(cellFolder).Where(RunFolder.IsRunFolder).Select(RunFolder.Read)
            .Where(r => r.Status == "finished" && r.RecipeText == resolved)
            .OrderBy(r => r.StartUtc).Select(r => r.Path).LastOrDefault();
    }
}
