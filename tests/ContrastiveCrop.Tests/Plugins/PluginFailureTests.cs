using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Plugins;

/// <summary>
/// An exception from plugin code reaches the user as one message naming the plugin, its kind, its assembly and
/// the plugin's own top frames, with exit code 2; mistakes in a plugin's shape are named at discovery.
/// </summary>
[TestFixture]
public sealed class PluginFailureTests
{
    private const string Sources = """
        using ContrastiveCrop.Contracts;
        using ContrastiveCrop.Sdk.Hooks;
        using ContrastiveCrop.Sdk.Training;
        [Plugin("breaks-in-sample", Description = "Throws from Sample on the loader's threads.")]
        public sealed class BreaksInSample : ICropSampler
        {
            public CropBox Sample(in CropRequest request, System.Random random) => Pick(request);
            private static CropBox Pick(CropRequest request) =>
                request.Index >= 0 ? throw new System.InvalidOperationException("ran out of crops") : CropBox.Whole(1, 1);
        }
        [Plugin("breaks-in-loss")]
        public sealed class BreaksInLoss(IBackbone backbone) : ISiameseMethod
        {
            public System.Collections.Generic.IReadOnlyList<ViewSpec> Views { get; } = [new("crop-flip"), new("crop-flip")];
            public TorchSharp.torch.nn.Module Module => backbone.Network;
            public System.Collections.Generic.IEnumerable<TorchSharp.Modules.Parameter> TrainableParameters => backbone.Network.parameters();
            public MethodStepOutput ComputeLoss(System.Collections.Generic.IReadOnlyList<TorchSharp.torch.Tensor> views, TrainingProgress progress) =>
                throw new System.ArithmeticException("loss undefined for this batch");
            public void AfterOptimizerStep(TrainingProgress progress) { }
        }
        [Plugin("breaks-in-run")]
        public sealed class BreaksInRun : IDownstreamTask
        {
            public DownstreamResult Run(DownstreamContext context) => throw new System.NotSupportedException("no labels here");
        }
        [Plugin("breaks-in-hook")]
        public sealed class BreaksInHook : HookBase
        {
            public override void AfterEpoch(TrainingState state) => throw new System.IO.InvalidDataException("epoch marker corrupt");
        }
        """;

    private static (TinyRecipe Recipe, string Dll) WithBrokenPlugins()
    {
        var recipe = new TinyRecipe();
        var dll = PluginCompiler.Compile(Path.Combine(recipe.Folder, "broken", "Breaks"), "BreaksPlugin", Sources,
            [.. PluginCompiler.HostContracts, typeof(HookBase).Assembly.Location]);
        return (recipe, dll);
    }

    private static void AssertNamed(Ccrop.Outcome outcome, string plugin, string dll, string error, string frame)
    {
        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.Error);
        var first = outcome.Error.Split('\n')[0];
        Assert.That(first, Does.Contain(plugin).And.Contain(dll).And.Contain(error));
        Assert.That(outcome.Error, Does.Contain("at " + frame));
        Assert.That(outcome.Error, Does.Not.Contain("AggregateException").And.Not.Contain("a bug or an environment problem"));
    }

    [Test]
    public void A_sampler_that_throws_on_the_loaders_threads_is_named_with_its_own_frames()
    {
        var (recipe, dll) = WithBrokenPlugins();
        var path = recipe.Write(TinyRecipe.Text("name: breaks-in-sample", "plugin_folders: [broken]"));

        var outcome = recipe.Invoke("run", path);

        AssertNamed(outcome, "crop sampler 'breaks-in-sample'", dll, "InvalidOperationException: ran out of crops", "BreaksInSample.Pick");
        // The top frames shown are the plugin's: where it threw, then its caller.
        var frames = outcome.Error.Split('\n').Select(l => l.StartsWith("error:", StringComparison.Ordinal) ? l["error:".Length..] : l)
            .Where(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ToList();
        Assert.That(frames[0], Does.Contain("BreaksInSample.Pick"));
        Assert.That(frames[1], Does.Contain("BreaksInSample.Sample"));
    }

    [Test]
    public void A_method_whose_loss_throws_is_named()
    {
        var (recipe, dll) = WithBrokenPlugins();
        var path = recipe.Write(TinyRecipe.Text(extra: "plugin_folders: [broken]").Replace("method: {name: simclr, temperature: 0.5}", "method: {name: breaks-in-loss}"));

        var outcome = recipe.Invoke("run", path);

        AssertNamed(outcome, "method 'breaks-in-loss'", dll, "ArithmeticException: loss undefined for this batch", "BreaksInLoss.ComputeLoss");
    }

    [Test]
    public void A_downstream_task_that_throws_is_named()
    {
        var (recipe, dll) = WithBrokenPlugins();
        var path = recipe.Write(TinyRecipe.Text(extra: "plugin_folders: [broken]").Replace("- {name: knn, k: 5}", "- {name: breaks-in-run}"));

        var outcome = recipe.Invoke("run", path);

        AssertNamed(outcome, "downstream task 'breaks-in-run'", dll, "NotSupportedException: no labels here", "BreaksInRun.Run");
    }

    [Test]
    public void A_hook_that_throws_is_named()
    {
        var (recipe, dll) = WithBrokenPlugins();
        var path = recipe.Write(TinyRecipe.Text(extra: "plugin_folders: [broken]")
            .Replace("  sampler:", "  custom_hooks: [{name: breaks-in-hook}]\n  sampler:"));

        var outcome = recipe.Invoke("run", path);

        AssertNamed(outcome, "hook 'breaks-in-hook'", dll, "InvalidDataException: epoch marker corrupt", "BreaksInHook.AfterEpoch");
    }

    [Test]
    public void The_crop_preview_names_a_sampler_that_throws()
    {
        var (recipe, dll) = WithBrokenPlugins();
        var path = recipe.Write(TinyRecipe.Text("name: breaks-in-sample", "plugin_folders: [broken]"));

        var outcome = recipe.Invoke("crops", "preview", path, "--out", Path.Combine(recipe.Folder, "p.png"));

        AssertNamed(outcome, "crop sampler 'breaks-in-sample'", dll, "ran out of crops", "BreaksInSample.Pick");
    }

    [Test]
    public void An_options_record_without_IValidatableOptions_is_named_at_discovery()
    {
        var folder = TestFolders.NewTemp("no-validate");
        var dll = PluginCompiler.Compile(Path.Combine(folder, "Plain"), "PlainOptionsPlugin", """
            using ContrastiveCrop.Contracts;
            [Plugin("plain-options")]
            public sealed class PlainOptionsSampler(PlainOptions options) : ICropSampler
            {
                public CropBox Sample(in CropRequest r, System.Random random) => new(0, 0, options.Side, options.Side);
            }
            public sealed record PlainOptions(int Side = 4);
            """, PluginCompiler.HostContracts);

        var catalog = PluginDiscovery.Discover([folder]);

        Assert.That(catalog.Problems, Has.Count.EqualTo(1));
        Assert.That(catalog.Problems[0], Does.Contain(dll).And.Contain("PlainOptions options").And.Contain("record PlainOptions : IValidatableOptions"));
        Assert.That(catalog.Names(ContrastiveCrop.Contracts.PluginKind.CropSampler), Is.Empty);
    }

    [TestCase("MySampler")]
    [TestCase("my_sampler")]
    [TestCase("my--sampler")]
    public void A_plugin_name_that_is_not_kebab_case_is_named_at_discovery(string name)
    {
        var folder = TestFolders.NewTemp("bad-name");
        PluginCompiler.Compile(Path.Combine(folder, "BadName"), "BadNamePlugin", $$"""
            using ContrastiveCrop.Contracts;
            [Plugin("{{name}}")]
            public sealed class Whole : ICropSampler
            {
                public CropBox Sample(in CropRequest r, System.Random random) => CropBox.Whole(r.Height, r.Width);
            }
            """, PluginCompiler.HostContracts);

        var catalog = PluginDiscovery.Discover([folder]);

        Assert.That(catalog.Problems, Has.Count.EqualTo(1));
        Assert.That(catalog.Problems[0], Does.Contain($"is named '{name}'").And.Contain("kebab-case"));
    }

    [Test]
    public void Plugins_list_shows_each_plugins_description_under_it()
    {
        var outcome = Ccrop.Invoke("plugins", "list");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var lines = outcome.Out.Split('\n');
        int row = Array.FindIndex(lines, l => l.StartsWith("crop sampler") && l.Contains(" contrastive-crop "));
        // The text of the plugin's [Plugin(Description = ...)].
        Assert.That(lines[row + 1].Trim(), Is.EqualTo("ContrastiveCrop: heatmap boxes from the encoder, crop centres Beta(α, α) inside the box."));
    }
}
