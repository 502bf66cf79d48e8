using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Tests.Recipes;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Recipes;

/// <summary>
/// Writing a bound options record back (for the run's recipe.yaml) gives a mapping that binds to the same values,
/// with defaults the recipe left out written explicitly.
/// </summary>
[TestFixture]
public sealed class OptionsWriterTests
{
    private static readonly SourceLocation Nowhere = new("test", 1, 1);

    private static string Yaml(RecipeNode node) => RecipeWriter.ToYaml(node);

    private static RecipeMapping Read(string yaml)
    {
        var file = Path.Combine(TestFolders.NewTemp("options"), "o.yaml");
        File.WriteAllText(file, yaml);
        return RecipeLoader.Load(file, []);
    }

    [Test]
    public void Every_member_type_round_trips_and_strings_that_look_like_other_scalars_stay_strings()
    {
        var options = RecipeBinder.Bind<AllTypesOptions>(Read("""
            text: "5"
            count: -3
            big: 9007199254740993
            ratio: 0.1
            rate: 1e-300
            flag: false
            crop: contrastive-crop
            maybe_count: null
            maybe_rate: 1.0E+300
            maybe_flag: true
            maybe_crop: null
            maybe_text: "null"
            sizes: [1, 2]
            names: ["true", plain]
            holes: [a, null]
            weights: {x: 0.5, y: -2}
            optimizer: {name: sgd, lr: 0.03}
            stages: [{name: a, lr: 1}]
            method: {anything: [1, {b: 2}]}
            """), "");

        var written = Yaml(OptionsWriter.ToMapping(options, Nowhere));

        Assert.That(written, Does.Contain("text: '5'\n").And.Contain("maybe_text: 'null'\n").And.Contain("  - 'true'\n").And.Contain("  - plain\n"));
        Assert.That(written, Does.Contain("crop: contrastive-crop\n").And.Contain("ratio: 0.1\n").And.Contain("maybe_rate: 1E+300\n"));
        // Defaults of the nested record are written too: momentum 0.9, weight decay 1e-4 (float).
        Assert.That(written, Does.Contain("optimizer:\n  name: sgd\n  lr: 0.03\n  momentum: 0.9\n  weight_decay: 0.0001\n"));
        var again = RecipeBinder.Bind<AllTypesOptions>(Read(written), "");
        Assert.That(Yaml(OptionsWriter.ToMapping(again, Nowhere)), Is.EqualTo(written));
        Assert.That((again.Text, again.Big, again.Ratio, again.Rate, again.MaybeRate, again.MaybeText), Is.EqualTo(("5", 9007199254740993L, 0.1f, 1e-300, 1e300, "null")));
        Assert.That(again.Names, Is.EqualTo(new[] { "true", "plain" }));
    }

    [Test]
    public void Defaults_left_out_of_the_recipe_are_written_with_their_declared_values()
    {
        var options = RecipeBinder.Bind<DefaultsOptions>(Read("epochs: 3\n"), "");

        Assert.That(Yaml(OptionsWriter.ToMapping(options, Nowhere)),
            Is.EqualTo("epochs: 3\nseed: 42\ncrop: center-crop\nmax_steps: 7\ncomment: null\nscale: 0.5\namp: true\n"));
    }

    private static IEnumerable<string> Shipped() =>
        Directory.EnumerateFiles(ShippedRecipeTests.Configs, "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}_base_{Path.DirectorySeparatorChar}"))
            .Select(f => Path.GetRelativePath(ShippedRecipeTests.Configs, f)).Order();

    [TestCaseSource(nameof(Shipped))]
    public void A_shipped_recipe_written_in_full_checks_back_to_the_same_text(string relative)
    {
        // STL-10 recipes evaluate on its 'labeled' split: they are checked against header-only STL-10 files.
        var data = relative.Contains("stl10") ? $"data.root={ShippedRecipeTests.FakeStl10.Value}" : "data={name: shapes-on-clutter}";
        var args = new List<string> { "recipe", "check", Path.Combine(ShippedRecipeTests.Configs, relative), "--set", data };
        // Detection stages' files are checked too: both checks run where header-only stand-ins for them are.
        var root = TestFolders.NewTemp("full");
        var recipe = Path.Combine(ShippedRecipeTests.Configs, relative);
        var first = ShippedRecipeTests.InFolderWithDetectionFiles(recipe, root, [.. args]);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        var copy = Path.Combine(root, "full.yaml");
        File.WriteAllText(copy, first.Out);

        var second = ShippedRecipeTests.InFolderWithDetectionFiles(recipe, root, "recipe", "check", copy);

        Assert.That(second.ExitCode, Is.EqualTo(0), second.Error);
        Assert.That(second.Out, Is.EqualTo(first.Out));
    }
}
