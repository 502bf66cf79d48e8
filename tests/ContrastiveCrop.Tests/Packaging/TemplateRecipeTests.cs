using ContrastiveCrop.Engine.Recipes;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Packaging;

/// <summary>
/// The recipes the <c>dotnet new</c> templates generate build on the platform's own parts (<c>ccrop://_base_/...</c>)
/// instead of repeating them, and resolve from a folder outside the repository to a complete run of the template's plugin.
/// </summary>
[TestFixture]
public sealed class TemplateRecipeTests
{
    private static string Content => Path.Combine(TestFolders.RepoRoot, "templates", "ContrastiveCrop.Templates", "content");

    /// <summary>Each template, the recipe key that selects its plugin, and the plugin's name in the template's source.</summary>
    private static readonly (string Template, string Key, string Name)[] Plugins =
    [
        ("sampler", "pretrain.sampler", "my-sampler"),
        ("method", "pretrain.method", "my-method"),
        ("backbone", "pretrain.backbone", "my-backbone"),
        ("task", "evaluate", "my-task"),
        ("hook", "pretrain.custom_hooks", "my-hook"),
    ];

    private static IEnumerable<TestCaseData> Templates() =>
        Plugins.Select(p => new TestCaseData(p.Template, p.Key, p.Name).SetName($"The_{p.Template}_templates_recipe_builds_on_platform_parts"));

    [TestCaseSource(nameof(Templates))]
    public void A_template_recipe_builds_on_platform_parts_and_resolves_outside_the_repository(string template, string key, string name)
    {
        var folder = TestFolders.NewTemp("template-recipe");
        var path = Path.Combine(folder, "recipe.yaml");
        File.Copy(Path.Combine(Content, template, "recipe.yaml"), path);

        var lines = File.ReadAllLines(path);
        var bases = lines.SkipWhile(l => l != RecipeLoader.BaseKey + ":").Skip(1).TakeWhile(l => l.StartsWith("  - ")).Select(l => l[4..]).ToList();
        Assert.That(bases, Has.Count.GreaterThanOrEqualTo(4));
        Assert.That(bases, Has.All.StartWith(BaseReference.PlatformPrefix + "_base_/"), "platform parts, found wherever the project is");
        Assert.That(lines, Has.None.Contains("name: shapes-on-clutter"), "the data set comes from its part, not repeated");

        var resolved = RecipeLoader.Load(path, []);

        // What the parts bring (configs/_base_/runtime.yaml and data/shapes-on-clutter.yaml), with the recipe's overrides on top.
        Assert.That(Scalar(resolved, "threads"), Is.EqualTo("0"), "from runtime.yaml");
        Assert.That(Scalar(resolved, "data.name"), Is.EqualTo("shapes-on-clutter"));
        Assert.That(Scalar(resolved, "data.object_scale"), Is.Empty, "a sequence, from the data part");
        Assert.That(Scalar(resolved, "data.train_count"), Is.EqualTo("512"), "the recipe's override of the part's 2000");
        Assert.That(Scalar(resolved, "pretrain.momentum"), Is.EqualTo("0.9"), "from schedules/quick-cpu.yaml");
        foreach (var section in new[] { "pretrain.backbone.name", "pretrain.method.name", "pretrain.sampler.name" })
            Assert.That(Scalar(resolved, section), Is.Not.Empty, $"{section} is set by a part or the recipe");
        Assert.That(Names(resolved, key), Does.Contain(name), $"{key} selects the template's plugin");
    }

    /// <summary>The scalar at a dotted key path; empty for a node that is not a scalar.</summary>
    private static string Scalar(RecipeMapping root, string keyPath)
    {
        RecipeNode node = root;
        foreach (var part in keyPath.Split('.'))
        {
            Assert.That(node is RecipeMapping mapping && mapping.ContainsKey(part), Is.True, $"{keyPath} is in the resolved recipe");
            node = ((RecipeMapping)node).GetEntry(part)!.Value;
        }
        return node is RecipeScalar scalar ? scalar.Value : "";
    }

    /// <summary>The plugin name(s) a section selects: the mapping's name, or each entry's name in a list.</summary>
    private static IReadOnlyList<string> Names(RecipeMapping root, string keyPath)
    {
        RecipeNode node = root;
        foreach (var part in keyPath.Split('.')) node = ((RecipeMapping)node).GetEntry(part)!.Value;
        return node is RecipeSequence list
            ? list.Items.OfType<RecipeMapping>().Select(m => ((RecipeScalar)m.GetEntry("name")!.Value).Value).ToList()
            : [((RecipeScalar)((RecipeMapping)node).GetEntry("name")!.Value).Value];
    }
}
