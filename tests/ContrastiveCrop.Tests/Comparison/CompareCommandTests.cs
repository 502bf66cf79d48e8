using System.Globalization;
using ContrastiveCrop.Cli.Comparison;
using ContrastiveCrop.Cli.Reporting;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Comparison;

/// <summary>ccrop compare: the grid of runs, reuse of finished ones, and the table written from their results.</summary>
[TestFixture]
public sealed class CompareCommandTests
{
    [Test]
    public void A_grid_runs_every_cell_reuses_them_when_repeated_and_tabulates_their_results()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text().Replace("epochs: 2", "epochs: 1"));
        var output = Path.Combine(recipe.Folder, "grid");
        string[] command = ["compare", path, "--vary", "pretrain.lr=[0.05, 0.2]", "--seeds", "0,1", "--out", output];

        var first = recipe.Invoke(command);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error + first.Out);
        var csv = File.ReadAllText(Path.Combine(output, CompareCommand.Csv));
        var second = recipe.Invoke(command);

        Assert.That(second.ExitCode, Is.EqualTo(0), second.Error);
        Assert.That(second.Out.Split('\n').Count(l => l.Contains(": reusing the finished run ")), Is.EqualTo(4));
        Assert.That(File.ReadAllText(Path.Combine(output, CompareCommand.Csv)), Is.EqualTo(csv), "reused runs give the same table");

        // Recompute the table from the four runs' own results.md files.
        var knn = new Dictionary<(string Lr, long Seed), double>();
        foreach (var folder in Directory.GetDirectories(output, "*", SearchOption.AllDirectories).Where(RunFolder.IsRunFolder))
        {
            var run = RunFolder.Read(folder);
            var lr = run.RecipeText!.Split('\n').Single(l => l.TrimStart().StartsWith("lr:", StringComparison.Ordinal)).Split(':')[1].Trim();
            knn[(lr, run.Seed!.Value)] = run.Results.Single(r => r.Stage == "knn" && r.Metric == "top1").Value;
        }
        Assert.That(knn.Keys, Is.EquivalentTo(new[] { ("0.05", 0L), ("0.05", 1L), ("0.2", 0L), ("0.2", 1L) }));
        var rows = csv.Trim().Split('\n').Select(l => l.Split(',')).ToList();
        Assert.That(rows[0], Is.EqualTo("metric,setting,n,mean,sd,diff_mean,diff_sd,diff_n,diff_ci95_low,diff_ci95_high,seed_0,seed_1".Split(',')));
        double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        var baseline = rows.Single(r => r[0] == "knn top1" && r[1] == "0.05");
        var other = rows.Single(r => r[0] == "knn top1" && r[1] == "0.2");
        Assert.That(D(baseline[3]), Is.EqualTo((knn[("0.05", 0)] + knn[("0.05", 1)]) / 2).Within(1e-9));
        Assert.That(D(baseline[10]), Is.EqualTo(knn[("0.05", 0)]));
        double d0 = knn[("0.2", 0)] - knn[("0.05", 0)], d1 = knn[("0.2", 1)] - knn[("0.05", 1)];
        Assert.That(D(other[5]), Is.EqualTo((d0 + d1) / 2).Within(1e-9));
        // n = 2 pairs: half-width t(0.975, 1) · |d0 − d1|/√2 / √2 = 12.7062 · |d0 − d1| / 2.
        if (d0 != d1) Assert.That(D(other[9]) - D(other[5]), Is.EqualTo(12.7062047 * Math.Abs(d0 - d1) / 2).Within(1e-4));
        Assert.That(File.ReadAllText(Path.Combine(output, CompareCommand.Markdown)), Does.Contain("| `0.2` |"));
        Assert.That(File.ReadAllText(Path.Combine(output, CompareCommand.Html)), Does.Contain("src=\"data:image/png;base64,iVBORw0KGgo"));
    }

    [Test]
    public void A_changed_recipe_is_not_served_from_a_finished_run()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text().Replace("epochs: 2", "epochs: 1"));
        var output = Path.Combine(recipe.Folder, "grid");
        string[] command = ["compare", path, "--vary", "pretrain.lr=[0.05, 0.2]", "--seeds", "0", "--out", output];
        Assert.That(recipe.Invoke(command).ExitCode, Is.EqualTo(0));

        var changed = recipe.Invoke([.. command, "--set", "evaluate=[{name: knn, k: 3}]"]);

        Assert.That(changed.ExitCode, Is.EqualTo(0), changed.Error);
        Assert.That(changed.Out, Does.Not.Contain("reusing"));
    }

    [TestCase("pretrain.lr", "--vary 'pretrain.lr': expected KEY=[value1, value2, ...]")]
    [TestCase("pretrain.lr=0.1", "--vary pretrain.lr: the values must be a YAML list such as [a, b]; got '0.1'.")]
    [TestCase("pretrain.lr=[0.1]", "--vary pretrain.lr: give at least two values to compare; got 1.")]
    [TestCase("pretrain.lr=[0.1, 0.1]", "--vary pretrain.lr: the value '0.1' is listed twice.")]
    [TestCase("Pre train=[1, 2]", "--vary: 'Pre train' is not a recipe key path")]
    public void A_bad_vary_is_a_user_error_before_any_run(string vary, string message)
    {
        var recipe = new TinyRecipe();
        var outcome = recipe.Invoke("compare", recipe.Write(TinyRecipe.Text()), "--vary", vary);
        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.StartWith("error: " + message));
        Assert.That(Directory.Exists(recipe.Runs), Is.False, "nothing ran");
    }

    [Test]
    public void A_value_the_recipe_rejects_stops_the_grid_before_any_run()
    {
        var recipe = new TinyRecipe();
        var outcome = recipe.Invoke("compare", recipe.Write(TinyRecipe.Text()), "--vary", "pretrain.sampler=[{name: random-resized-crop}, {name: no-such-sampler}]", "--seeds", "0");
        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("no-such-sampler"));
        Assert.That(Directory.Exists(recipe.Runs), Is.False, "nothing ran");
    }

    [Test]
    public void Values_keep_their_exact_yaml_text()
    {
        var grid = ComparisonGrid.Parse("pretrain.sampler=[{_delete_: true, name: random-resized-crop}, {name: contrastive-crop, alpha: 0.1}]", "2, 0");
        Assert.That(grid.Settings.Select(s => s.Value), Is.EqualTo(new[] { "{_delete_: true, name: random-resized-crop}", "{name: contrastive-crop, alpha: 0.1}" }));
        Assert.That(grid.Seeds, Is.EqualTo(new long[] { 2, 0 }));
        Assert.That(grid.Overrides(grid.Settings[1], 2, "/o"), Is.EqualTo(new[] { "pretrain.sampler={name: contrastive-crop, alpha: 0.1}", "seed=2", "output_dir=/o" }));
        Assert.That(grid.CellFolder("/r", grid.Settings[0], 2), Does.StartWith("/r/_delete_-true-name-random-resized-crop-").And.EndWith("/seed-2"));
    }
}
