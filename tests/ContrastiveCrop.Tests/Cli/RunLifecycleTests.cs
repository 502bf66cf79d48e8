using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>Monitor, linear probe, plots, evaluation of a checkpoint and resume through the ccrop command.</summary>
[TestFixture]
public sealed class RunLifecycleTests
{
    private const string Extra = """
        evaluate:
          - {name: knn, k: 5}
          - {name: linear-probe, epochs: 3, lr: 1.0, milestones: [2], image_size: 16, batch_size: 16}
        """;

    private static (TinyRecipe Recipe, string Run) Trained()
    {
        var recipe = new TinyRecipe();
        var text = TinyRecipe.Text().Replace("evaluate:\n  - {name: knn, k: 5}\n", "")
            .Replace("  log_every: 1\n", "  log_every: 1\n  checkpoint_every: 1\n  monitor: {every: 1, task: {name: knn, k: 5}}\n");
        var path = recipe.Write(text + Extra);
        var outcome = recipe.Invoke("run", path);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error + outcome.Out);
        return (recipe, Directory.GetDirectories(recipe.Runs).Single());
    }

    [Test]
    public void A_run_logs_the_knn_monitor_per_epoch_probes_linearly_and_draws_curves()
    {
        var (_, run) = Trained();
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.That(metrics.Count(l => l.Contains("\"monitor/knn\"")), Is.EqualTo(2));
        Assert.That(File.ReadAllText(Path.Combine(run, "results.md")), Does.Contain("| linear-probe | top1 |").And.Not.Contain("top5"));
        Assert.That(new FileInfo(Path.Combine(run, "plots", "loss.png")).Length, Is.GreaterThan(1000));
        Assert.That(new FileInfo(Path.Combine(run, "plots", "accuracy.png")).Length, Is.GreaterThan(1000));
    }

    [Test]
    public void Evaluating_the_checkpoint_reproduces_the_runs_knn_accuracy()
    {
        var (recipe, run) = Trained();
        var outcome = recipe.Invoke("eval", "checkpoint", run);

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var evalRun = Directory.GetDirectories(recipe.Runs).Single(d => d != run);
        string Knn(string folder) => File.ReadAllLines(Path.Combine(folder, "results.md")).Single(l => l.StartsWith("| knn | top1"));
        Assert.That(Knn(evalRun), Is.EqualTo(Knn(run)), "same weights, same data: same kNN accuracy");
        Assert.That(File.ReadAllText(Path.Combine(evalRun, "results.md")), Does.Not.Contain("| pretrain |"));
    }

    [Test]
    public void Resume_of_a_truncated_checkpoint_names_the_file()
    {
        var (recipe, run) = Trained();
        var checkpoint = Path.Combine(run, "checkpoints", "last.pt");
        var bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes[..(bytes.Length / 2)]);

        var outcome = recipe.Invoke("run", "--resume", run);

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain(checkpoint).And.Contain("truncated"));
    }

    [Test]
    public void Resume_refuses_a_folder_that_is_not_a_run()
    {
        var recipe = new TinyRecipe();
        var outcome = recipe.Invoke("run", "--resume", recipe.Folder);
        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("is not a run directory"));
    }
}
