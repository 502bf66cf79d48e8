using Autofac;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Plugins;

/// <summary>
/// What a third party can ship without touching the repository: a content-aware sampler that reads the
/// request's pixels and reuses the SDK's RandomResizedCrop geometry, and a hook a recipe adds by name.
/// </summary>
[TestFixture]
public sealed class ThirdPartyPluginTests
{
    private static ICropSampler EdgeCentred(string options)
    {
        var folder = TestFolders.NewTemp("edge-plugin");
        TestFolders.Copy(TestFolders.EdgeSamplePlugin, Path.Combine(folder, "EdgeCentred"));
        var catalog = PluginDiscovery.Discover([folder]);
        Assert.That(catalog.Problems, Is.Empty);
        var builder = new ContainerBuilder();
        builder.RegisterModule(new PluginModule(catalog));
        var file = Path.Combine(folder, "section.yaml");
        File.WriteAllText(file, "name: edge-centred\n" + options);
        return builder.Build().Resolve<PluginFactory>().Create<ICropSampler>(PluginKind.CropSampler, RecipeLoader.Load(file, []), "pretrain.sampler");
    }

    [Test]
    public void The_edge_centred_sample_puts_every_crop_on_the_only_object_of_a_flat_image()
    {
        // A black 40×40 image with one white 4×4 square at rows 28..31, columns 6..9: the gradient is non-zero only
        // within one pixel of the square's border (rows 27..32, columns 5..10), so every crop centre lies there and
        // every crop (about 4×4, area 1%) overlaps that ring. A uniform centre would miss it about 9 times in 10.
        var sampler = EdgeCentred("scale: [0.01, 0.01]\n");
        var pixels = new byte[40 * 40 * 3];
        for (int y = 28; y < 32; y++)
        for (int x = 6; x < 10; x++)
            pixels[(y * 40 + x) * 3] = pixels[(y * 40 + x) * 3 + 1] = pixels[(y * 40 + x) * 3 + 2] = 255;
        var random = new Random(5);
        for (int i = 0; i < 300; i++)
        {
            var crop = sampler.Sample(new CropRequest(i, 0, 40, 40) { Pixels = pixels }, random);
            Assert.That(crop.Top <= 32 && crop.Top + crop.Height > 27 && crop.Left <= 10 && crop.Left + crop.Width > 5, Is.True, $"{crop}");
        }
    }

    [Test]
    public void The_edge_centred_sample_falls_back_to_uniform_centres_without_pixels_or_structure()
    {
        var sampler = EdgeCentred("");
        var flat = Enumerable.Repeat((byte)90, 20 * 20 * 3).ToArray();
        var random = new Random(2);
        var tops = Enumerable.Range(0, 400).Select(i => sampler.Sample(new CropRequest(i, 0, 20, 20) { Pixels = i % 2 == 0 ? flat : default }, random))
            .Select(c => c.Top + c.Height / 2).ToList();
        // Centres spread over the image: both halves are hit often.
        Assert.That(tops.Count(t => t < 10), Is.GreaterThan(100));
        Assert.That(tops.Count(t => t >= 10), Is.GreaterThan(100));
    }

    [Test]
    public void A_recipe_trains_with_the_content_aware_sample_from_a_copied_folder()
    {
        var recipe = new TinyRecipe();
        TestFolders.Copy(TestFolders.EdgeSamplePlugin, Path.Combine(recipe.Folder, "my-plugins", "EdgeCentred"));
        var path = recipe.Write(TinyRecipe.Text("name: edge-centred, sharpness: 2", "plugin_folders: [my-plugins]"));

        var outcome = recipe.Invoke("run", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var run = Directory.GetDirectories(recipe.Runs).Single();
        Assert.That(File.ReadAllText(Path.Combine(run, "manifest.json")), Does.Contain("crop sampler 'edge-centred'"));
        Assert.That(File.ReadAllText(Path.Combine(run, "results.md")), Does.Contain("| knn | top1 |"));
    }

    [Test]
    public void A_hook_plugin_named_in_custom_hooks_runs_after_every_epoch_with_its_options()
    {
        var recipe = new TinyRecipe();
        PluginCompiler.Compile(Path.Combine(recipe.Folder, "hooks", "EpochMarker"), "EpochMarker", """
            using ContrastiveCrop.Contracts;
            using ContrastiveCrop.Sdk.Hooks;
            using ContrastiveCrop.Sdk.Training;
            [Plugin("epoch-marker", Description = "Appends '<epoch>:<tag>' to marker.txt after every epoch.")]
            public sealed class EpochMarker(EpochMarkerOptions options, IRunContext run) : HookBase
            {
                public override void AfterEpoch(TrainingState state) =>
                    System.IO.File.AppendAllText(System.IO.Path.Combine(run.RunDirectory, "marker.txt"), $"{state.Stage}/{state.Epoch}/{state.Step}:{options.Tag}\n");
            }
            public sealed record EpochMarkerOptions : IValidatableOptions
            {
                public string Tag { get; init; } = "none";
            }
            """, [.. PluginCompiler.HostContracts, typeof(HookBase).Assembly.Location]);
        var text = TinyRecipe.Text(extra: "plugin_folders: [hooks]")
            .Replace("  sampler:", "  custom_hooks: [{name: epoch-marker, tag: hello}]\n  sampler:");
        var path = recipe.Write(text);

        var outcome = recipe.Invoke("run", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var run = Directory.GetDirectories(recipe.Runs).Single();
        // 48 images in batches of 16: 3 steps per epoch, 2 epochs.
        Assert.That(File.ReadAllLines(Path.Combine(run, "marker.txt")), Is.EqualTo(new[] { "pretrain/1/3:hello", "pretrain/2/6:hello" }));
        Assert.That(File.ReadAllText(Path.Combine(run, "manifest.json")), Does.Contain("hook 'epoch-marker'"));
    }

    [Test]
    public void An_unknown_custom_hook_is_a_recipe_error_naming_its_position()
    {
        var recipe = new TinyRecipe();
        var text = TinyRecipe.Text().Replace("  sampler:", "  custom_hooks: [{name: no-such-hook}]\n  sampler:");
        var outcome = recipe.Invoke("recipe", "check", recipe.Write(text));

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("pretrain.custom_hooks[0]").And.Contain("no-such-hook"));
    }
}
