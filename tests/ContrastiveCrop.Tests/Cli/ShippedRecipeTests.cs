using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>
/// Every recipe under configs/ resolves and validates. The data set is overridden with the generated
/// one (real data is not on test machines), and so is the sampler of ContrastiveCrop recipes while the
/// sampler plugin is not part of every build.
/// </summary>
[TestFixture]
public sealed class ShippedRecipeTests
{
    internal static string Configs
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ContrastiveCrop.Platform.sln"))) dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("repository root"), "configs");
        }
    }

    private static IEnumerable<string> Recipes() =>
        Directory.EnumerateFiles(Configs, "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}_base_{Path.DirectorySeparatorChar}"))
            .Select(f => Path.GetRelativePath(Configs, f)).Order();

    [TestCaseSource(nameof(Recipes))]
    public void Recipe_resolves_and_validates(string relative)
    {
        var args = new List<string> { "recipe", "check", Path.Combine(Configs, relative), "--set", "data={name: shapes-on-clutter}" };
        if (File.ReadAllText(Path.Combine(Configs, relative)).Contains("contrastive-crop"))
            args.AddRange(["--set", "pretrain.sampler={name: random-resized-crop}"]);
        var outcome = Ccrop.Invoke([.. args]);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
    }
}
