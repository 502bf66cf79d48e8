using ContrastiveCrop.Engine.Recipes;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Recipes;

/// <summary>
/// Recipes outside the repository build on the platform's parts as <c>ccrop://_base_/...</c>: the parts ship beside
/// ccrop, and a recipe whose relative <c>_base_</c> paths broke when it was copied out is told the ccrop:// form.
/// </summary>
[TestFixture]
public sealed class PlatformBaseTests
{
    private static string RepositoryBase => Path.Combine(TestFolders.RepoRoot, "configs", "_base_");

    private static IEnumerable<string> Parts() =>
        Directory.EnumerateFiles(RepositoryBase, "*.yaml", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(RepositoryBase, f)).Order();

    [TestCaseSource(nameof(Parts))]
    public void Every_base_part_ships_beside_ccrop_unchanged(string relative)
    {
        // The build output of the host itself, not only of this test project.
        var host = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "ContrastiveCrop.Cli", "debug", "configs", "_base_", relative));
        Assert.That(File.ReadAllText(host), Is.EqualTo(File.ReadAllText(Path.Combine(RepositoryBase, relative))));
        Assert.That(File.ReadAllText(Path.Combine(BaseReference.PlatformConfigs, "_base_", relative)), Is.EqualTo(File.ReadAllText(Path.Combine(RepositoryBase, relative))));
    }

    [Test]
    public void A_recipe_outside_the_repository_merges_platform_parts_named_with_the_prefix()
    {
        var folder = TestFolders.NewTemp("outside");
        var path = Path.Combine(folder, "mine.yaml");
        File.WriteAllText(path, """
            _base_: [ccrop://_base_/methods/simclr.yaml]
            pretrain:
              method: {temperature: 0.2}
            """);

        var root = RecipeLoader.Load(path, []);

        var method = (RecipeMapping)((RecipeMapping)root.GetEntry("pretrain")!.Value).GetEntry("method")!.Value;
        // From configs/_base_/methods/simclr.yaml: name simclr, base_temperature 0.07, pipeline small; temperature is the recipe's.
        Assert.That(((RecipeScalar)method.GetEntry("name")!.Value).Value, Is.EqualTo("simclr"));
        Assert.That(((RecipeScalar)method.GetEntry("base_temperature")!.Value).Value, Is.EqualTo("0.07"));
        Assert.That(((RecipeScalar)method.GetEntry("pipeline")!.Value).Value, Is.EqualTo("small"));
        Assert.That(((RecipeScalar)method.GetEntry("temperature")!.Value).Value, Is.EqualTo("0.2"));
    }

    [Test]
    public void A_copied_recipe_whose_relative_base_is_gone_is_told_the_prefix_form()
    {
        var folder = TestFolders.NewTemp("copied");
        var path = Path.Combine(folder, "copied.yaml");
        File.WriteAllText(path, "_base_: [../../_base_/methods/simclr.yaml]\n");

        var error = Assert.Throws<RecipeException>(() => RecipeLoader.Load(path, []))!;

        Assert.That(error.Message, Does.Contain($"{path}:1:10").And.Contain("base file not found")
            .And.Contain("if this recipe was copied out of the repository, use the platform's part: ccrop://_base_/methods/simclr.yaml"));
    }

    [Test]
    public void A_misspelt_platform_part_says_where_ccrop_looked()
    {
        var folder = TestFolders.NewTemp("misspelt");
        var path = Path.Combine(folder, "r.yaml");
        File.WriteAllText(path, "_base_: [ccrop://_base_/methods/simclrr.yaml]\n");

        var error = Assert.Throws<RecipeException>(() => RecipeLoader.Load(path, []))!;

        Assert.That(error.Message, Does.Contain("platform recipe part not found").And.Contain(Path.Combine(BaseReference.PlatformConfigs, "_base_", "methods", "simclrr.yaml")));
    }
}
