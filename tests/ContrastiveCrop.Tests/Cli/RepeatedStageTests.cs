using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>
/// One task twice in a run — two probe stages in <c>evaluate</c>, or a probe as <c>pretrain.monitor</c> and again as a
/// stage — keeps each stage's files and curves apart (contracts 2.2 <c>DownstreamContext.Occurrence</c> / <c>StageName</c>);
/// before, a second detection stage of the same init found the first's checkpoint and could not run. Each stage's
/// result must equal the same stage run alone by <c>eval checkpoint</c> on the run (every stage starts from the run's seed).
/// </summary>
[TestFixture]
public sealed class RepeatedStageTests
{
    private const string Probe = "{name: linear-probe, epochs: 3, lr: LR, milestones: [2], image_size: 16, batch_size: 16}";

    private static string Top1(string run, string label) =>
        File.ReadAllLines(Path.Combine(run, "results.md")).First(l => l.StartsWith($"| {label} | top1 |", StringComparison.Ordinal)).Split('|')[3].Trim();

    /// <summary>The top-1 of <paramref name="probe"/> evaluated alone on <paramref name="run"/>'s checkpoint.</summary>
    private static string Alone(TinyRecipe recipe, string run, string probe)
    {
        var path = recipe.Write(TinyRecipe.Text().Replace("  - {name: knn, k: 5}", "  - " + probe), "alone.yaml");
        var before = Directory.GetDirectories(recipe.Runs).ToHashSet();
        var outcome = recipe.Invoke("eval", "checkpoint", run, "--recipe", path);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error + outcome.Out);
        return Top1(Directory.GetDirectories(recipe.Runs).Single(d => !before.Contains(d)), "linear-probe");
    }

    [Test]
    public void Two_probe_stages_each_train_their_own_probe()
    {
        var recipe = new TinyRecipe();
        string first = Probe.Replace("LR", "1.0"), second = Probe.Replace("LR", "0.01");
        var path = recipe.Write(TinyRecipe.Text().Replace("  - {name: knn, k: 5}", $"  - {first}\n  - {second}"));
        var outcome = recipe.Invoke("run", path);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error + outcome.Out);
        var run = Directory.GetDirectories(recipe.Runs).Single();

        string firstTop1 = Top1(run, "linear-probe (lr: 1.0)"), secondTop1 = Top1(run, "linear-probe (lr: 0.01)");
        Assert.Multiple(() =>
        {
            Assert.That(secondTop1, Is.EqualTo(Alone(recipe, run, second)), "the second stage is its own probe");
            Assert.That(firstTop1, Is.EqualTo(Alone(recipe, run, first)));
            // The premise: at lr 1.0 and 0.01 the probes differ, so equal rows would mean one result was reported twice.
            Assert.That(secondTop1, Is.Not.EqualTo(firstTop1));
            var metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
            Assert.That(metrics, Does.Contain("\"linear-probe/epoch\"").And.Contain("\"linear-probe-2/epoch\""));
        });
    }

    [Test]
    public void A_probe_monitor_does_not_leave_its_checkpoint_to_the_probe_stage_or_the_next_epoch()
    {
        var recipe = new TinyRecipe();
        var probe = Probe.Replace("LR", "1.0");
        var text = TinyRecipe.Text().Replace("  - {name: knn, k: 5}", "  - " + probe)
            .Replace("  log_every: 1\n", $"  log_every: 1\n  monitor: {{every: 1, task: {probe}}}\n");
        var outcome = recipe.Invoke("run", recipe.Write(text));
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error + outcome.Out);
        var run = Directory.GetDirectories(recipe.Runs).Single();

        var metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        Assert.Multiple(() =>
        {
            Assert.That(Top1(run, "linear-probe"), Is.EqualTo(Alone(recipe, run, probe)));
            // Each epoch's probe is a probe of another backbone: its own curve, not merged into the stage's.
            Assert.That(metrics, Does.Contain("\"linear-probe-monitor-epoch-1/epoch\"").And.Contain("\"linear-probe-monitor-epoch-2/epoch\"")
                .And.Contain("\"linear-probe/epoch\""));
        });
    }

    [Test]
    public void Two_detection_stages_of_one_init_keep_their_own_checkpoints_and_results()
    {
        var recipe = new TinyRecipe();
        const string detection = "{name: faster-rcnn-c4, format: generated, generated_train_count: 4, generated_test_count: 2, generated_size: 64, " +
                                 "init: random, depth: 18, width_multiplier: 0.0625, min_size_train: [64], max_size_train: 64, min_size_test: 64, " +
                                 "max_size_test: 64, iterations: 2, batch_size: 2, lr: 0.01, steps: [], warmup_iters: 0, roi_batch_size: 16, " +
                                 "log_every: 1, checkpoint_every: 100, FREEZE}";
        string full = detection.Replace("FREEZE", "freeze_at: 0"), frozen = detection.Replace("FREEZE", "freeze_at: 4");
        var path = recipe.Write(TinyRecipe.Text().Replace("  - {name: knn, k: 5}", $"  - {full}\n  - {frozen}"));
        var outcome = recipe.Invoke("eval", "checkpoint", "random", "--recipe", path);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error + outcome.Out);
        var run = Directory.GetDirectories(recipe.Runs).Single();

        var alone = recipe.Write(TinyRecipe.Text().Replace("  - {name: knn, k: 5}", "  - " + frozen), "alone.yaml");
        var evaluated = recipe.Invoke("eval", "checkpoint", "random", "--recipe", alone);
        Assert.That(evaluated.ExitCode, Is.EqualTo(0), evaluated.Error + evaluated.Out);
        var single = Directory.GetDirectories(recipe.Runs).Single(d => d != run);

        string Loss(string folder, string label) =>
            File.ReadAllLines(Path.Combine(folder, "results.md")).First(l => l.StartsWith($"| {label} | final_loss |", StringComparison.Ordinal)).Split('|')[3].Trim();
        Assert.Multiple(() =>
        {
            Assert.That(Loss(run, "faster-rcnn-c4 (freeze_at: 4)"), Is.EqualTo(Loss(single, "faster-rcnn-c4")), "the second stage trained, frozen, on its own");
            Assert.That(Loss(run, "faster-rcnn-c4 (freeze_at: 4)"), Is.Not.EqualTo(Loss(run, "faster-rcnn-c4 (freeze_at: 0)")));
            Assert.That(File.Exists(Path.Combine(run, "checkpoints", "faster-rcnn-c4-random.pt")), Is.True);
            Assert.That(File.Exists(Path.Combine(run, "checkpoints", "faster-rcnn-c4-random-2.pt")), Is.True);
            Assert.That(Directory.Exists(Path.Combine(run, "faster-rcnn-c4-random-2")), Is.True);
        });
    }
}
