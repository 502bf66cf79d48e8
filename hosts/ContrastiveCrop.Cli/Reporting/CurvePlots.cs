using System.Text.Json;
using ContrastiveCrop.Engine.Runs;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>Draws the curves of a run's metrics.jsonl as PNG files under &lt;run&gt;/plots.</summary>
internal static class CurvePlots
{
    /// <summary>Writes loss.png (pretraining loss per epoch) and accuracy.png (monitor metrics per epoch) when there is data; returns the files.</summary>
    public static IReadOnlyList<string> Write(RunDirectory run)
    {
        if (!File.Exists(run.MetricsFile)) return [];
        var series = new Dictionary<string, List<(double X, double Y)>>();
        foreach (var line in File.ReadLines(run.MetricsFile))
        {
            using var record = JsonDocument.Parse(line);
            var stage = record.RootElement.GetProperty("stage").GetString() ?? "";
            var values = record.RootElement.GetProperty("values");
            if (!values.TryGetProperty("epoch", out var epoch) || epoch.ValueKind != JsonValueKind.Number) continue;
            foreach (var value in values.EnumerateObject())
            {
                if (value.Name == "epoch" || value.Value.ValueKind != JsonValueKind.Number) continue;
                var key = $"{stage}:{value.Name}";
                if (!series.TryGetValue(key, out var points)) series[key] = points = [];
                points.Add((epoch.GetDouble(), value.Value.GetDouble()));
            }
        }
        var folder = Path.Combine(run.Path, "plots");
        var written = new List<string>();
        void Plot(string file, string title, string yLabel, IEnumerable<KeyValuePair<string, List<(double X, double Y)>>> curves)
        {
            var list = curves.Where(c => c.Value.Count > 0).ToList();
            if (list.Count == 0) return;
            Directory.CreateDirectory(folder);
            var plot = new ScottPlot.Plot();
            foreach (var (name, points) in list)
            {
                // A resumed run logs the epochs after the checkpoint again: keep the latest value per epoch.
                var latest = points.GroupBy(p => p.X).Select(g => g.Last()).OrderBy(p => p.X).ToList();
                var scatter = plot.Add.Scatter(latest.Select(p => p.X).ToArray(), latest.Select(p => p.Y).ToArray());
                scatter.LegendText = name;
            }
            plot.Title(title);
            plot.XLabel("epoch");
            plot.YLabel(yLabel);
            plot.ShowLegend();
            var path = Path.Combine(folder, file);
            plot.SavePng(path, 900, 520);
            written.Add(path);
        }
        Plot("loss.png", "Pretraining loss", "loss", series.Where(s => s.Key == "pretrain/epoch:loss"));
        Plot("accuracy.png", "Accuracy during training", "accuracy (%)",
             series.Where(s => s.Key.StartsWith("monitor/") || s.Key.EndsWith(":top1") || s.Key.EndsWith(":top5")));
        return written;
    }
}
