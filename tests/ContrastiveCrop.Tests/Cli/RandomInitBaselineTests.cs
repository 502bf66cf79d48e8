using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary><c>random_init_baseline: true</c>: every stage also runs on the untrained backbone, in the same run.</summary>
[TestFixture]
public sealed class RandomInitBaselineTests
{
    private const string Stages = """
        evaluate:
          - {name: knn, k: 5}
          - {name: linear-probe, epochs: 2, lr: 1.0, milestones: [1], image_size: 16, batch_size: 16}
        """;

    private static string Row(string folder, string prefix) =>
        File.ReadAllLines(Path.Combine(folder, "results.md")).First(l => l.StartsWith(prefix, StringComparison.Ordinal));

    private static string Value(string row) => row.Split('|')[3].Trim();

    [Test]
    public void The_baseline_rows_equal_an_evaluation_of_the_untrained_backbone_and_sit_beside_the_pretrained_ones()
    {
        var recipe = new TinyRecipe();
        var text = TinyRecipe.Text().Replace("evaluate:\n  - {name: knn, k: 5}\n", "") + Stages + "\nrandom_init_baseline: true\n";
        var path = recipe.Write(text);
        var outcome = recipe.Invoke("run", path);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error + outcome.Out);
        var run = Directory.GetDirectories(recipe.Runs).Single();

        // The independent truth: the same recipe evaluating `from_checkpoint: random` (the untrained backbone of the run's seed).
        var evaluated = recipe.Invoke("eval", "checkpoint", "random", "--recipe", path, "--set", "random_init_baseline=false");
        Assert.That(evaluated.ExitCode, Is.EqualTo(0), evaluated.Error + evaluated.Out);
        var untrained = Directory.GetDirectories(recipe.Runs).Single(d => d != run);

        Assert.That(Value(Row(run, "| knn [random init] | top1 |")), Is.EqualTo(Value(Row(untrained, "| knn | top1 |"))));
        Assert.That(Value(Row(run, "| linear-probe [random init] | top1 |")), Is.EqualTo(Value(Row(untrained, "| linear-probe | top1 |"))));

        // The side-by-side table: pretrained, random init and their difference, per metric.
        var wide = File.ReadAllLines(Path.Combine(run, "results.md"))
            .Single(l => l.StartsWith("| knn | top1 |", StringComparison.Ordinal) && l.Split('|').Length == 7);
        var cells = wide.Split('|').Select(c => c.Trim()).ToArray();
        double pretrained = double.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture);
        double random = double.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(cells[3], Is.EqualTo(Value(Row(run, "| knn | top1 |"))));
        Assert.That(cells[4], Is.EqualTo(Value(Row(untrained, "| knn | top1 |"))));
        Assert.That(double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(pretrained - random).Within(1e-3));

        // Durations measure the machine, not the backbone: not compared.
        var comparison = File.ReadAllLines(Path.Combine(run, "results.md")).Where(l => l.Split('|').Length == 7).ToList();
        Assert.That(comparison.Where(l => l.Contains("second")), Is.Empty);

        // The baseline's probe keeps its own curve.
        var metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        Assert.That(metrics, Does.Contain("\"linear-probe-random-init/epoch\"").And.Contain("\"linear-probe/epoch\""));
    }

    [Test]
    public void A_baseline_without_stages_is_a_recipe_error_naming_the_key()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text().Replace("evaluate:\n  - {name: knn, k: 5}\n", "") + "random_init_baseline: true\n");
        var outcome = recipe.Invoke("recipe", "check", path);
        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("random_init_baseline").And.Contain("evaluate"));
    }
}
