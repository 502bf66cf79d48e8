using System.Globalization;
using System.Net;
using System.Text;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Diagnostics;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>
/// The run's <c>report.html</c>: one self-contained page (styles, charts and images inlined as data
/// URIs, no script or font from the network) built only from the run folder's files, so it can be
/// regenerated at any time (<c>ccrop report &lt;run folder&gt;</c>) and mailed or archived as one file.
/// </summary>
internal static class RunReport
{
    /// <summary>Writes <c>report.html</c> into the run folder at <paramref name="path"/>; returns its path.</summary>
    public static string Write(string path)
    {
        var run = RunFolder.Read(path);
        var html = Render(run);
        Engine.Runs.RunDirectory.WriteAtomically(run.ReportFile, html);
        return run.ReportFile;
    }

    /// <summary>The page for <paramref name="run"/>.</summary>
    public static string Render(RunFolder run)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append($"<title>{Encode(run.Name)}</title><style>{Style}</style></head>\n<body>\n");
        page.Append($"<h1>{Encode(run.Name)}</h1>\n");
        Summary(page, run);
        Warnings(page, run);
        ResultsTable(page, run);
        TrainingCurves(page, run);
        BoxDynamics(page, run);
        Detection(page, run);
        OtherPlots(page, run);
        Text(page, "Resolved recipe", "recipe.yaml", run.RecipeText);
        Text(page, "Manifest", "manifest.json", run.ManifestText);
        page.Append($"<script>{ImageCheck}</script>\n</body></html>\n");
        return page.ToString();
    }

    private static void Summary(StringBuilder page, RunFolder run)
    {
        page.Append("<table class=\"kv\">");
        Row("folder", run.Path);
        Row("status", run.Status ?? "unknown (no manifest)");
        if (run.StartUtc is { } start) Row("started", start.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        if (run.StartUtc is { } s && run.EndUtc is { } e) Row("duration", (e - s).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
        if (run.Seed is { } seed) Row("seed", seed.ToString(CultureInfo.InvariantCulture));
        page.Append("</table>\n");

        void Row(string key, string value) => page.Append($"<tr><th>{Encode(key)}</th><td>{Encode(value)}</td></tr>");
    }

    /// <summary>Collapse warnings: epochs whose embedding spread fell below a fifth of 1/√d.</summary>
    public static IReadOnlyList<string> CollapseWarnings(RunFolder run)
    {
        var warnings = new List<string>();
        foreach (var record in run.Stage("pretrain/epoch"))
        {
            if (!record.Values.TryGetValue(EmbeddingSpread.StdMetric, out var std) || !record.Values.TryGetValue(EmbeddingSpread.DimensionMetric, out var d)) continue;
            if (EmbeddingSpread.LooksCollapsed(std, (int)d))
                warnings.Add(EmbeddingSpread.Warning((int)record.Values.GetValueOrDefault("epoch"), std, (int)d));
        }
        return warnings;
    }

    private static void Warnings(StringBuilder page, RunFolder run)
    {
        var warnings = CollapseWarnings(run);
        if (run.Status is { } status && status.StartsWith("failed", StringComparison.Ordinal))
            page.Append($"<p class=\"warning\">The run failed: {Encode(status)}</p>\n");
        if (warnings.Count == 0) return;
        // The first warning says when collapse began; the last where it ended up.
        page.Append($"<p class=\"warning\" id=\"collapse-warning\">{Encode(warnings[0])}</p>\n");
        if (warnings.Count > 1) page.Append($"<p class=\"warning\">{Encode(warnings[^1])}</p>\n");
    }

    private static void ResultsTable(StringBuilder page, RunFolder run)
    {
        page.Append("<h2>Results</h2>\n");
        if (run.Results.Count == 0)
        {
            page.Append("<p>No results.md yet (the run has not finished).</p>\n");
            return;
        }
        page.Append("<table id=\"results\" class=\"grid\"><thead><tr><th>stage</th><th>metric</th><th>value</th></tr></thead><tbody>");
        foreach (var row in run.Results)
            page.Append($"<tr><td>{Encode(row.Stage)}</td><td>{Encode(row.Metric)}</td><td class=\"num\">{Number(row.Value)}</td></tr>");
        page.Append("</tbody></table>\n");
    }

    private static void TrainingCurves(StringBuilder page, RunFolder run)
    {
        var charts = new List<(string Caption, byte[]? Png)>
        {
            ("Pretraining loss", ReportCharts.Png("Pretraining loss", "step", "loss", [
                new Curve("per step", run.Series("pretrain/step", "loss", byEpoch: false)),
                new Curve("epoch mean", run.Stage("pretrain/epoch").Select(r => ((double)r.Step, r.Values.GetValueOrDefault("loss", double.NaN))).ToList()),
            ])),
            ("Learning rate", ReportCharts.Png("Learning rate", "step", "lr", [new Curve("lr", run.Series("pretrain/step", "lr", byEpoch: false))])),
            ("Accuracy", ReportCharts.Png("Accuracy during training", "epoch", "accuracy (%)",
                run.Metrics.Select(m => m.Stage).Distinct().Where(s => s.StartsWith("monitor/", StringComparison.Ordinal))
                   .SelectMany(s => new[] { "top1", "top5" }.Select(k => new Curve($"{s} {k}", run.Series(s, k, byEpoch: true)))))),
            ("Positive-pair similarity", ReportCharts.Png("Positive-pair cosine similarity", "epoch", "mean cosine similarity",
                [new Curve("positive pairs", run.Series("pretrain/epoch", "positive_similarity", byEpoch: true))])),
            ("Embedding spread", EmbeddingSpreadChart(run)),
            ("Linear probe", ReportCharts.Png("Linear probe training", "epoch", "loss",
                [new Curve("loss", run.Series("linear-probe/epoch", "loss", byEpoch: true))])),
        };
        Figures(page, "Training", charts);
    }

    private static byte[]? EmbeddingSpreadChart(RunFolder run)
    {
        var std = run.Series("pretrain/epoch", EmbeddingSpread.StdMetric, byEpoch: true);
        var dims = run.Series("pretrain/epoch", EmbeddingSpread.DimensionMetric, byEpoch: true);
        if (std.Count == 0 || dims.Count == 0) return null;
        double healthy = EmbeddingSpread.Healthy((int)dims[^1].Y);
        return ReportCharts.Png("Collapse check (SimSiam §4)", "epoch", "std of l2-normalised embeddings", [
            new Curve("embedding std", std),
            new Curve("1/√d (healthy)", [(std[0].X, healthy), (std[^1].X, healthy)], Dashed: true),
            new Curve($"{EmbeddingSpread.CollapseFraction}/√d (warning)", [(std[0].X, EmbeddingSpread.CollapseFraction * healthy), (std[^1].X, EmbeddingSpread.CollapseFraction * healthy)], Dashed: true),
        ]);
    }

    private static void BoxDynamics(StringBuilder page, RunFolder run)
    {
        const string stage = "contrastive-crop/update";
        var charts = new List<(string, byte[]?)>
        {
            ("Box area", ReportCharts.Png("ContrastiveCrop box area", "epoch", "area (fraction of the image)", [
                new Curve("mean", run.Series(stage, "mean_box_area", byEpoch: true)),
                new Curve("p10", run.Series(stage, "box_area_p10", byEpoch: true), Dashed: true),
                new Curve("p50", run.Series(stage, "box_area_p50", byEpoch: true), Dashed: true),
                new Curve("p90", run.Series(stage, "box_area_p90", byEpoch: true), Dashed: true),
            ])),
            ("IoU with the true boxes", ReportCharts.Png("IoU of the boxes with the true object boxes", "epoch", "mean IoU", [
                new Curve("ContrastiveCrop boxes", run.Series(stage, "mean_iou", byEpoch: true)),
                new Curve("whole image", run.Series(stage, "whole_image_iou", byEpoch: true), Dashed: true),
            ])),
        };
        var sheets = run.Files("diagnostics", "heatmaps-*.png").Concat(run.Files("diagnostics", "crops-*.png"))
            .Concat(run.Files("diagnostics", "box-areas-*.png"))
            .Select(f => (Path.GetFileName(f), (byte[]?)File.ReadAllBytes(f)));
        Figures(page, "ContrastiveCrop boxes", [.. charts, .. sheets]);
    }

    private static void Detection(StringBuilder page, RunFolder run)
    {
        // A detection stage's results carry AP50 (VOC) or bbox_AP50 (COCO); per-class values are named metric/class.
        var stages = run.Results.Where(r => r.Metric is "AP50" or "bbox_AP50").Select(r => r.Stage).Distinct().ToList();
        if (stages.Count == 0) return;
        page.Append("<h2>Detection</h2>\n");
        foreach (var stage in stages)
        {
            var rows = run.Results.Where(r => r.Stage == stage).ToList();
            page.Append($"<h3>{Encode(stage)}</h3>\n");
            var perClass = rows.Where(r => r.Metric.Contains('/')).Select(r => (Metric: r.Metric[..r.Metric.IndexOf('/')], Class: r.Metric[(r.Metric.IndexOf('/') + 1)..], r.Value)).ToList();
            if (perClass.Count > 0)
            {
                var metrics = perClass.Select(p => p.Metric).Distinct().ToList();
                page.Append("<table class=\"grid per-class\"><thead><tr><th>class</th>");
                foreach (var m in metrics) page.Append($"<th>{Encode(m)}</th>");
                page.Append("</tr></thead><tbody>");
                foreach (var name in perClass.Select(p => p.Class).Distinct())
                {
                    page.Append($"<tr><td>{Encode(name)}</td>");
                    foreach (var m in metrics)
                        page.Append($"<td class=\"num\">{perClass.Where(p => p.Class == name && p.Metric == m).Select(p => Number(p.Value)).FirstOrDefault() ?? ""}</td>");
                    page.Append("</tr>");
                }
                page.Append("</tbody></table>\n");
            }
            else page.Append("<p>This stage logged no per-class metrics (names of the form <code>AP50/&lt;class&gt;</code>).</p>\n");
        }
        DetectionCurves(page, run, stages);
    }

    /// <summary>
    /// The detection stages' training losses and learning curves. A stage trains under its own metrics name
    /// (<c>faster-rcnn-c4-random/step</c>, AP during training as <c>…/eval</c>, with <c>eval_every</c>), which
    /// starts with the results table's stage name (<c>faster-rcnn-c4</c>, or <c>faster-rcnn-c4 (init: random)</c>
    /// when a recipe repeats it).
    /// </summary>
    private static void DetectionCurves(StringBuilder page, RunFolder run, IReadOnlyList<string> resultStages)
    {
        var names = resultStages.Select(s => s.Split(" (")[0].Split(" #")[0]).Distinct().ToList();
        // A monitor pass's series (…-monitor-epoch-N/…) train on an intermediate backbone: not the stage's curves.
        bool IsDetection(string metricsStage) => names.Any(n => metricsStage.StartsWith(n, StringComparison.Ordinal)) &&
                                                 !metricsStage.Contains("-" + DownstreamContext.MonitorVariantPrefix, StringComparison.Ordinal);
        string Trained(string metricsStage) => metricsStage[..metricsStage.LastIndexOf('/')];
        var all = run.Metrics.Select(m => m.Stage).Distinct().ToList();
        var figures = new List<(string, byte[]?)>();
        foreach (var stage in all.Where(s => s.EndsWith("/step", StringComparison.Ordinal) && IsDetection(s)))
        {
            var losses = run.Stage(stage).SelectMany(r => r.Values.Keys).Distinct().Where(k => k.StartsWith("loss", StringComparison.Ordinal)).ToList();
            figures.Add(($"{Trained(stage)} training loss", ReportCharts.Png($"{Trained(stage)}: training losses", "iteration", "loss",
                losses.Select(k => new Curve(k, run.Series(stage, k, byEpoch: false))))));
        }
        var evaluated = all.Where(s => s.EndsWith("/eval", StringComparison.Ordinal) && IsDetection(s)).ToList();
        if (evaluated.Count > 0)
            figures.Add(("Learning curve: AP50 on the test split against iterations", ReportCharts.Png("Detection learning curve", "iteration", "AP50 (%)",
                evaluated.Select(s => new Curve(Trained(s), run.Series(s, "AP50", byEpoch: false) is { Count: > 0 } voc ? voc : run.Series(s, "bbox_AP50", byEpoch: false))))));
        Figures(page, null, figures);
    }

    private static void OtherPlots(StringBuilder page, RunFolder run) =>
        Figures(page, "Plots", [.. run.Files("plots", "*.png").Select(f => (Path.GetFileName(f), (byte[]?)File.ReadAllBytes(f)))]);

    private static void Figures(StringBuilder page, string? title, IEnumerable<(string Caption, byte[]? Png)> figures)
    {
        var present = figures.Where(f => f.Png is not null).ToList();
        if (present.Count == 0) return;
        if (title is not null) page.Append($"<h2>{Encode(title)}</h2>\n");
        page.Append("<div class=\"figures\">");
        foreach (var (caption, png) in present)
            page.Append($"<figure><img alt=\"{Encode(caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png!)}\"><figcaption>{Encode(caption)}</figcaption></figure>");
        page.Append("</div>\n");
    }

    private static void Text(StringBuilder page, string title, string file, string? text)
    {
        if (text is null) return;
        page.Append($"<h2>{Encode(title)}</h2>\n<details open><summary>{Encode(file)}</summary><pre>{Encode(text)}</pre></details>\n");
    }

    private static string Number(double v) => Encode(v.ToString("G6", CultureInfo.InvariantCulture));

    private static string Encode(string s) => WebUtility.HtmlEncode(s);

    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:2em;max-width:1600px;color:#222}" +
        "table{border-collapse:collapse;margin:0.5em 0}th,td{padding:0.25em 0.7em;text-align:left}" +
        "table.grid th,table.grid td{border:1px solid #ccc}td.num{text-align:right;font-variant-numeric:tabular-nums}" +
        "table.kv th{color:#555;font-weight:normal}" +
        ".figures{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figure img{max-width:100%;border:1px solid #ddd}" +
        "figcaption{font-size:0.9em;color:#555}pre{background:#f6f6f6;padding:1em;overflow:auto}" +
        ".warning{background:#fff3cd;border:1px solid #e0b000;padding:0.7em}";

    /// <summary>
    /// Marks the page once loaded: data-images (loaded/total) and data-errors on &lt;body&gt;, and a
    /// visible note when an image fails to decode. Tests and humans read the same signal.
    /// </summary>
    private const string ImageCheck =
        "(function(){var errors=0;window.addEventListener('error',function(){errors++;document.body.dataset.errors=errors;},true);" +
        "window.addEventListener('load',function(){var all=document.images,ok=0;" +
        "for(var i=0;i<all.length;i++){if(all[i].complete&&all[i].naturalWidth>0)ok++;}" +
        "document.body.dataset.images=ok+'/'+all.length;document.body.dataset.errors=errors;" +
        "if(ok<all.length){var p=document.createElement('p');p.className='warning';p.textContent=(all.length-ok)+' image(s) failed to load.';document.body.insertBefore(p,document.body.firstChild);}" +
        "document.body.dataset.checked='yes';});})();";
}
