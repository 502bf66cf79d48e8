using System.Globalization;
using System.Text.RegularExpressions;
using ContrastiveCrop.Cli.Reporting;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Reporting;

/// <summary>report.html: built from a run folder's files, self-contained, rendered by a real browser.</summary>
[TestFixture]
public sealed class RunReportTests
{
    /// <summary>A finished run folder written by hand: what each file holds is known exactly.</summary>
    private static string SyntheticRun(double lastEmbeddingStd)
    {
        var run = TestFolders.NewTemp("report");
        File.WriteAllText(Path.Combine(run, "manifest.json"), """
            {"recipe": "/x/recipe.yaml", "seed": 4, "device": "cpu", "host": "h", "plugins": {}, "packages": {},
             "start_utc": "2026-01-02T03:04:05Z", "end_utc": "2026-01-02T03:14:05Z", "status": "finished"}
            """);
        File.WriteAllText(Path.Combine(run, "recipe.yaml"), "name: synthetic <run>\nseed: 4\n");
        string Line(string stage, long step, string values) => $"{{\"stage\":\"{stage}\",\"step\":{step},\"time\":\"2026-01-02T03:05:00Z\",\"values\":{{{values}}}}}";
        var std = lastEmbeddingStd.ToString("R", CultureInfo.InvariantCulture);
        File.WriteAllLines(Path.Combine(run, "metrics.jsonl"),
        [
            Line("pretrain/step", 1, "\"loss\":4.0,\"lr\":0.1"), Line("pretrain/step", 2, "\"loss\":3.5,\"lr\":0.05"),
            Line("pretrain/epoch", 2, "\"epoch\":1,\"loss\":3.7,\"positive_similarity\":0.5,\"embedding_std\":0.1,\"embedding_dim\":64"),
            Line("monitor/knn", 2, "\"epoch\":1,\"top1\":20"),
            Line("contrastive-crop/update", 2, "\"epoch\":1,\"mean_box_area\":0.8,\"box_area_p10\":0.5,\"box_area_p50\":0.8,\"box_area_p90\":1,\"mean_iou\":0.3,\"whole_image_iou\":0.2"),
            Line("pretrain/step", 3, "\"loss\":3.0,\"lr\":0.02"), Line("pretrain/step", 4, "\"loss\":2.5,\"lr\":0.0"),
            Line("pretrain/epoch", 4, $"\"epoch\":2,\"loss\":2.7,\"positive_similarity\":0.7,\"embedding_std\":{std},\"embedding_dim\":64"),
            Line("monitor/knn", 4, "\"epoch\":2,\"top1\":25"),
            Line("contrastive-crop/update", 4, "\"epoch\":2,\"mean_box_area\":0.6,\"box_area_p10\":0.3,\"box_area_p50\":0.6,\"box_area_p90\":0.9,\"mean_iou\":0.4,\"whole_image_iou\":0.2"),
            Line("knn", 0, "\"top1\":25"),
            Line("faster-rcnn-c4-random/step", 10, "\"loss\":2.0,\"loss_cls\":1.0,\"lr\":0.02"),
            Line("faster-rcnn-c4-random/eval", 10, "\"AP\":5,\"AP50\":12.5,\"AP75\":3"),
            Line("faster-rcnn-c4-random/step", 20, "\"loss\":1.5,\"loss_cls\":0.7,\"lr\":0.02"),
            Line("faster-rcnn-c4-random/eval", 20, "\"AP\":12.5,\"AP50\":30.25,\"AP75\":10"),
            // A detection task as pretrain.monitor: its passes are variants of their epoch, not the stage's curves.
            Line("faster-rcnn-c4-random-monitor-epoch-1/step", 2, "\"loss\":2.5,\"lr\":0.02"),
            Line("faster-rcnn-c4-random-monitor-epoch-1/eval", 2, "\"AP\":1,\"AP50\":2,\"AP75\":0"),
        ]);
        File.WriteAllText(Path.Combine(run, "results.md"), """
            # Results: synthetic

            | stage | metric | value |
            |---|---|---|
            | pretrain | final_loss | 2.7 |
            | knn | top1 | 25 |
            | faster-rcnn-c4 | AP | 12.5 |
            | faster-rcnn-c4 | AP50 | 30.25 |
            | faster-rcnn-c4 | AP50/disc | 40 |
            | faster-rcnn-c4 | AP50/square | 20.5 |
            """);
        var png = ReportCharts.Png("x", "x", "y", [new Curve("c", [(0, 0), (1, 1)])])!;
        Directory.CreateDirectory(Path.Combine(run, "diagnostics"));
        Directory.CreateDirectory(Path.Combine(run, "plots"));
        File.WriteAllBytes(Path.Combine(run, "diagnostics", "heatmaps-epoch-002.png"), png);
        File.WriteAllBytes(Path.Combine(run, "diagnostics", "crops-epoch-002.png"), png);
        File.WriteAllBytes(Path.Combine(run, "plots", "loss.png"), png);
        return run;
    }

    private static string Attribute(string dom, string name) =>
        Regex.Match(dom, $"<body[^>]*\\sdata-{name}=\"([^\"]*)\"").Groups[1].Value;

    [Test]
    public void The_report_renders_in_chromium_with_every_image_decoded_and_the_results_table()
    {
        var run = SyntheticRun(lastEmbeddingStd: 0.1);
        var page = RunReport.Write(run);

        var dom = HeadlessChromium.DumpDom(page);

        Assert.That(Attribute(dom, "checked"), Is.EqualTo("yes"), "the page's load handler ran");
        Assert.That(Attribute(dom, "errors"), Is.EqualTo("0"));
        // 5 training charts (loss, lr, kNN monitor, positive similarity, embedding spread), 2 box charts,
        // 2 diagnostic sheets, 1 detection loss chart, 1 detection learning curve, 1 plot from plots/.
        Assert.That(Attribute(dom, "images"), Is.EqualTo("12/12"));
        Assert.That(dom, Does.Contain("faster-rcnn-c4-random training loss").And.Contain("Learning curve: AP50"));
        var results = Regex.Match(dom, "<table id=\"results\".*?</table>", RegexOptions.Singleline).Value;
        Assert.That(Regex.Matches(results, "<tr>").Count, Is.EqualTo(1 + 6));
        Assert.That(results, Does.Contain("<td>AP50/square</td><td class=\"num\">20.5</td>"));
        var perClass = Regex.Match(dom, "<table class=\"grid per-class\">.*?</table>", RegexOptions.Singleline).Value;
        Assert.That(perClass, Does.Contain("<td>disc</td><td class=\"num\">40</td>").And.Contain("<td>square</td><td class=\"num\">20.5</td>"));
        Assert.That(dom, Does.Contain("synthetic &lt;run&gt;"), "the recipe is shown, escaped");
        Assert.That(dom, Does.Not.Contain("collapse-warning"));
    }

    [Test]
    public void The_page_references_nothing_outside_itself()
    {
        var html = File.ReadAllText(RunReport.Write(SyntheticRun(0.1)));
        Assert.That(Regex.Matches(html, "(?:src|href)=\"(?!data:)").Count, Is.EqualTo(0));
        Assert.That(Regex.Matches(html, "src=\"data:image/png;base64,").Count, Is.EqualTo(12));
        Assert.That(html, Does.Contain("faster-rcnn-c4-random training loss").And.Not.Contain("monitor-epoch-1 training loss"));
    }

    [Test]
    public void A_collapsing_run_is_flagged_in_the_report()
    {
        // d = 64: healthy 1/8; 0.001 is far below a fifth of it.
        var html = File.ReadAllText(RunReport.Write(SyntheticRun(lastEmbeddingStd: 0.001)));
        var warning = Regex.Match(html, "<p class=\"warning\" id=\"collapse-warning\">([^<]*)</p>").Groups[1].Value;
        Assert.That(warning, Does.Contain("after epoch 2").And.Contain("0.001").And.Contain("0.125"));
    }

    [Test]
    public void A_real_run_prints_its_report_logs_tensorboard_scalars_for_every_metric_and_the_spread_of_its_embeddings()
    {
        var recipe = new TinyRecipe();
        var outcome = recipe.Invoke("run", recipe.Write(TinyRecipe.Text()));
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error + outcome.Out);
        var run = Directory.GetDirectories(recipe.Runs).Single();
        var report = Path.Combine(run, "report.html");
        Assert.That(outcome.Out.TrimEnd().Split('\n')[^1].Trim(), Is.EqualTo($"Report: {report}"), "the run ends by saying where its report is");

        var folder = RunFolder.Read(run);
        Assert.That(folder.ManifestText, Does.Contain($"\"process_id\": {Environment.ProcessId},"), "runs list needs the writer's process id");
        Assert.That(RunStatus.Of(folder), Is.EqualTo(RunState.Finished));
        var epochs = folder.Stage("pretrain/epoch").ToList();
        Assert.That(epochs, Has.Count.EqualTo(2));
        Assert.That(epochs.Select(e => e.Values["embedding_dim"]), Is.All.EqualTo(128), "SimCLR's default projection is 128-d");
        Assert.That(epochs.Select(e => e.Values["embedding_std"]), Is.All.InRange(0.0, 1.0 / Math.Sqrt(2) + 1e-9), "a mean of per-dimension stds of unit vectors");

        var events = EventFileReader.Read(Directory.GetFiles(Path.Combine(run, "tensorboard")).Single());
        var scalars = events.Skip(1).SelectMany(e => e.Scalars.Select(s => (s.Tag, e.Step, s.Value))).ToList();
        var expected = folder.Metrics.SelectMany(m => m.Values.Select(v => ($"{m.Stage}/{v.Key}", m.Step, (float)v.Value))).ToList();
        Assert.That(scalars, Is.EqualTo(expected), "one scalar per metrics.jsonl value, same tag, step and value");

        File.Delete(report);
        var again = Ccrop.Invoke("report", run);
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        Assert.That(File.Exists(report), "ccrop report regenerates the page from the folder");
        var dom = HeadlessChromium.DumpDom(report);
        var images = Attribute(dom, "images").Split('/');
        Assert.That(images[0], Is.EqualTo(images[1]));
        Assert.That(int.Parse(images[1], CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(5));
    }

    [Test]
    public void Report_of_a_folder_that_is_not_a_run_is_a_user_error()
    {
        var empty = TestFolders.NewTemp("not-a-run");
        var outcome = Ccrop.Invoke("report", empty);
        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error.Trim(), Is.EqualTo($"error: '{empty}' is not a run folder: it has neither manifest.json nor recipe.yaml."));
    }
}
