using System.Globalization;
using System.Net;
using System.Text;
using ContrastiveCrop.Cli.Reporting;

namespace ContrastiveCrop.Cli.Comparison;

/// <summary>
/// The results of a comparison grid: per headline metric and setting, the per-seed values, their
/// mean ± sd, and the paired per-seed difference to the first setting with its 95% interval; written
/// as markdown, CSV and a self-contained HTML page with the per-seed points.
/// </summary>
internal sealed class ComparisonTable
{
    private readonly ComparisonGrid _grid;
    private readonly IReadOnlyList<string> _metrics;
    // [metric][setting index] → seed → value
    private readonly Dictionary<string, Dictionary<long, double>[]> _values = [];

    /// <summary>Collects <paramref name="results"/>: per (setting index, seed), the run's headline metrics.</summary>
    public ComparisonTable(ComparisonGrid grid, IReadOnlyDictionary<(int Setting, long Seed), IReadOnlyList<(string Name, double Value)>> results)
    {
        _grid = grid;
        var metrics = new List<string>();
        foreach (var ((setting, seed), values) in results.OrderBy(r => r.Key.Setting).ThenBy(r => r.Key.Seed))
        foreach (var (name, value) in values)
        {
            if (!_values.TryGetValue(name, out var bySetting))
            {
                _values[name] = bySetting = [.. grid.Settings.Select(_ => new Dictionary<long, double>())];
                metrics.Add(name);
            }
            bySetting[setting][seed] = value;
        }
        _metrics = metrics;
    }

    /// <summary>The headline metrics, in the order the runs report them.</summary>
    public IReadOnlyList<string> Metrics => _metrics;

    /// <summary>Per-seed values of <paramref name="metric"/> for setting <paramref name="setting"/>.</summary>
    public IReadOnlyDictionary<long, double> Values(string metric, int setting) => _values[metric][setting];

    /// <summary>Mean ± sd of <paramref name="metric"/> over the seeds of <paramref name="setting"/>.</summary>
    public Spread SpreadOf(string metric, int setting) => Spread.Of([.. _values[metric][setting].Values]);

    /// <summary>Setting minus the first setting, paired by seed.</summary>
    public PairedDifference DifferenceOf(string metric, int setting) => PairedDifference.Of(_values[metric][setting], _values[metric][0]);

    /// <summary>The markdown table: a row per setting, per metric "mean ± sd (n)" and "Δ [95% CI]".</summary>
    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Varied `{_grid.Key}` over seeds {string.Join(", ", _grid.Seeds)}: mean ± sd over seeds (n), " +
            $"and the paired per-seed difference to the first setting with its {PairedDifference.Confidence * 100:F0}% confidence interval (t, n − 1 dof).").AppendLine();
        text.Append("| setting |");
        foreach (var m in _metrics) text.Append(CultureInfo.InvariantCulture, $" {m} | Δ {m} [95% CI] |");
        text.AppendLine().Append("|---|");
        foreach (var _ in _metrics) text.Append("---:|---:|");
        text.AppendLine();
        for (int s = 0; s < _grid.Settings.Count; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $"| `{_grid.Settings[s].Value.Replace("|", "\\|", StringComparison.Ordinal)}` |");
            foreach (var m in _metrics)
            {
                var spread = SpreadOf(m, s);
                text.Append(CultureInfo.InvariantCulture, $" {MeanSd(spread)} |");
                text.Append(CultureInfo.InvariantCulture, $" {(s == 0 ? "(baseline)" : Difference(DifferenceOf(m, s)))} |");
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>
    /// CSV: one row per (metric, setting) with n, mean, sd, the paired difference, its interval and
    /// the per-seed values in columns <c>seed_&lt;k&gt;</c>.
    /// </summary>
    public string Csv()
    {
        var text = new StringBuilder();
        text.Append("metric,setting,n,mean,sd,diff_mean,diff_sd,diff_n,diff_ci95_low,diff_ci95_high");
        foreach (var seed in _grid.Seeds) text.Append(CultureInfo.InvariantCulture, $",seed_{seed}");
        text.AppendLine();
        foreach (var m in _metrics)
        for (int s = 0; s < _grid.Settings.Count; s++)
        {
            var spread = SpreadOf(m, s);
            var diff = s == 0 ? null : DifferenceOf(m, s);
            var cells = new List<string>
            {
                Csv(m), Csv(_grid.Settings[s].Value), spread.N.ToString(CultureInfo.InvariantCulture), Number(spread.Mean), Number(spread.Sd),
                Number(diff?.Spread.Mean), Number(diff?.Spread.Sd), diff?.Spread.N.ToString(CultureInfo.InvariantCulture) ?? "",
                Number(diff?.Low), Number(diff?.High),
            };
            cells.AddRange(_grid.Seeds.Select(seed => Values(m, s).TryGetValue(seed, out var v) ? Number(v) : ""));
            text.AppendLine(string.Join(',', cells));
        }
        return text.ToString();
    }

    /// <summary>The HTML page: the table, and per metric a chart of every seed's value (lines join a seed's runs).</summary>
    public string Html(IReadOnlyDictionary<(int Setting, long Seed), string> runFolders)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ccrop compare</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:0.25em 0.6em}")
            .Append("td.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1em 0}img{max-width:100%;border:1px solid #ddd}</style></head><body>\n")
            .Append(CultureInfo.InvariantCulture, $"<h1>Comparison of <code>{Encode(_grid.Key)}</code></h1>\n")
            .Append(CultureInfo.InvariantCulture, $"<p>Seeds {Encode(string.Join(", ", _grid.Seeds))}. Mean ± sd over seeds; Δ is the paired per-seed difference to the first setting with its 95% confidence interval (Student's t, n − 1 degrees of freedom).</p>\n")
            .Append("<table id=\"comparison\"><thead><tr><th>setting</th>");
        foreach (var m in _metrics) page.Append(CultureInfo.InvariantCulture, $"<th>{Encode(m)}</th><th>Δ {Encode(m)} [95% CI]</th>");
        page.Append("</tr></thead><tbody>");
        for (int s = 0; s < _grid.Settings.Count; s++)
        {
            page.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{Encode(_grid.Settings[s].Value)}</code></td>");
            foreach (var m in _metrics)
                page.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{Encode(MeanSd(SpreadOf(m, s)))}</td><td class=\"num\">{Encode(s == 0 ? "(baseline)" : Difference(DifferenceOf(m, s)))}</td>");
            page.Append("</tr>");
        }
        page.Append("</tbody></table>\n");
        foreach (var m in _metrics)
        {
            var png = SeedChart(m);
            page.Append(CultureInfo.InvariantCulture, $"<figure><img alt=\"{Encode(m)} per seed\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{Encode(m)}: one point per seed; a line joins the runs of one seed</figcaption></figure>\n");
        }
        page.Append("<h2>Runs</h2><table><thead><tr><th>setting</th><th>seed</th><th>run folder</th></tr></thead><tbody>");
        foreach (var ((s, seed), folder) in runFolders.OrderBy(r => r.Key.Setting).ThenBy(r => r.Key.Seed))
            page.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{Encode(_grid.Settings[s].Value)}</code></td><td>{seed}</td><td>{Encode(folder)}</td></tr>");
        page.Append("</tbody></table>\n</body></html>\n");
        return page.ToString();
    }

    private byte[] SeedChart(string metric)
    {
        var plot = new ScottPlot.Plot();
        int settings = _grid.Settings.Count;
        foreach (var seed in _grid.Seeds)
        {
            var points = Enumerable.Range(0, settings).Where(s => Values(metric, s).ContainsKey(seed)).Select(s => ((double)s, Values(metric, s)[seed])).ToList();
            if (points.Count == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.Item1).ToArray(), points.Select(p => p.Item2).ToArray());
            line.LegendText = $"seed {seed}";
            line.MarkerSize = 8;
        }
        var means = Enumerable.Range(0, settings).Select(s => (X: (double)s, Y: SpreadOf(metric, s).Mean)).Where(p => double.IsFinite(p.Y)).ToList();
        var mean = plot.Add.Scatter(means.Select(p => p.X).ToArray(), means.Select(p => p.Y).ToArray());
        mean.LegendText = "mean";
        mean.LineWidth = 0;
        mean.MarkerSize = 14;
        mean.MarkerShape = ScottPlot.MarkerShape.OpenSquare;
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, settings).Select(s => (double)s)],
                                  [.. _grid.Settings.Select(s => s.Value.Length > 36 ? s.Value[..33] + "..." : s.Value)]);
        plot.Axes.SetLimitsX(-0.5, settings - 0.5);
        plot.Title(metric);
        plot.XLabel(_grid.Key);
        plot.ShowLegend();
        return plot.GetImageBytes(Math.Max(480, 220 * settings), 380, ScottPlot.ImageFormat.Png);
    }

    private static string MeanSd(Spread s) =>
        s.N == 0 ? "n/a" : s.N == 1 ? $"{F(s.Mean)} (n = 1)" : $"{F(s.Mean)} ± {F(s.Sd)} (n = {s.N})";

    private static string Difference(PairedDifference d) =>
        d.Spread.N == 0 ? "n/a" : d.Spread.N == 1 ? $"{Signed(d.Spread.Mean)} (1 pair, no interval)" : $"{Signed(d.Spread.Mean)} [{Signed(d.Low)}, {Signed(d.High)}]";

    private static string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
    private static string Signed(double v) => v.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
    private static string Number(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";
    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
