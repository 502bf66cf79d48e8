using ContrastiveCrop.Engine.Pipeline;
using ContrastiveCrop.Engine.Recipes;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>
/// Every recipe under configs/ resolves and validates. The data set is overridden with the generated
/// one (real data is not on test machines), and so is the sampler of ContrastiveCrop recipes while the
/// sampler plugin is not part of every build; detection stages get header-only files (<see cref="FakeDetectionFiles"/>).
/// </summary>
[TestFixture]
public sealed class ShippedRecipeTests
{
    internal static string Configs => Path.Combine(TestFolders.RepoRoot, "configs");

    private static IEnumerable<string> Recipes() =>
        Directory.EnumerateFiles(Configs, "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}_base_{Path.DirectorySeparatorChar}"))
            .Select(f => Path.GetRelativePath(Configs, f)).Order();

    /// <summary>STL-10's five files at their real sizes, as sparse files of zeros.</summary>
    internal static readonly Lazy<string> FakeStl10 = new(() =>
    {
        var root = TestFolders.NewTemp("stl10");
        var folder = Path.Combine(root, "stl10_binary");
        Directory.CreateDirectory(folder);
        foreach (var (name, length) in new[]
                 {
                     ("train_X.bin", 5000L * 27648), ("train_y.bin", 5000L), ("test_X.bin", 8000L * 27648), ("test_y.bin", 8000L),
                     ("unlabeled_X.bin", 100_000L * 27648),
                 })
        {
            using var file = File.Create(Path.Combine(folder, name));
            file.SetLength(length);
        }
        return root;
    });

    [TestCaseSource(nameof(Recipes))]
    public void Recipe_resolves_and_validates(string relative)
    {
        // STL-10 recipes read its 'labeled' split, which the generated set lacks: they get header-only
        // STL-10 files instead (the check before a run reads file sizes, never the pixels).
        var data = relative.Contains("stl10") ? $"data.root={FakeStl10.Value}" : "data={name: shapes-on-clutter}";
        var args = new List<string> { "recipe", "check", Path.Combine(Configs, relative), "--set", data };
        if (File.ReadAllText(Path.Combine(Configs, relative)).Contains("contrastive-crop"))
            args.AddRange(["--set", "pretrain.sampler={name: random-resized-crop}"]);
        var outcome = InFolderWithDetectionFiles(Path.Combine(Configs, relative), TestFolders.NewTemp("shipped-recipe"), [.. args]);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
    }

    /// <summary>
    /// Runs ccrop in <paramref name="root"/> after writing header-only stand-ins there for the files the recipe's
    /// detection stages name (they are checked too, and their relative paths resolve against the working folder).
    /// </summary>
    internal static Ccrop.Outcome InFolderWithDetectionFiles(string recipe, string root, params string[] args)
    {
        FakeDetectionFiles.Write(recipe, root);
        var old = Environment.CurrentDirectory;
        Environment.CurrentDirectory = root;
        try { return Ccrop.Invoke(args); }
        finally { Environment.CurrentDirectory = old; }
    }

    // The official configs' Normalize statistics (xyupeng/ContrastiveCrop configs/small/*/simclr_ccrop.py);
    // ImageNet's where the paper trains at ImageNet scale and where no official config exists.
    [TestCase("small/cifar10/simclr-ccrop.yaml", new[] { 0.4914, 0.4822, 0.4465 }, new[] { 0.2023, 0.1994, 0.2010 })]
    [TestCase("small/cifar100/simclr-ccrop.yaml", new[] { 0.5071, 0.4867, 0.4408 }, new[] { 0.2675, 0.2565, 0.2761 })]
    [TestCase("small/stl10/simclr-ccrop.yaml", new[] { 0.4406, 0.4273, 0.3858 }, new[] { 0.2312, 0.2265, 0.2237 })]
    [TestCase("small/tiny-imagenet/simclr-ccrop.yaml", new[] { 0.4802, 0.4481, 0.3975 }, new[] { 0.2302, 0.2265, 0.2262 })]
    [TestCase("imagenet/moco-v2-ccrop.yaml", new[] { 0.485, 0.456, 0.406 }, new[] { 0.229, 0.224, 0.225 })]
    public void Each_data_set_recipe_normalises_with_the_official_statistics(string relative, double[] mean, double[] std)
    {
        var recipe = RecipeBinder.Bind<RunRecipe>(RecipeLoader.Load(Path.Combine(Configs, relative), []), "");
        Assert.That(recipe.Normalization.Mean, Is.EqualTo(mean));
        Assert.That(recipe.Normalization.Std, Is.EqualTo(std));
    }

    [Test]
    public void A_normalization_without_three_values_is_refused_with_its_key()
    {
        var outcome = Ccrop.Invoke("recipe", "check", Path.Combine(Configs, "quick", "simclr-shapes.yaml"), "--set", "normalization.std=[0.2, 0.2]");
        Assert.That(outcome.ExitCode, Is.Not.EqualTo(0));
        Assert.That(outcome.Error, Does.Contain("normalization.std").And.Contain("needs 3 values"));
    }
}
