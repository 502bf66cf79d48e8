using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>
/// A run folder stands on its own: its recipe.yaml names plugin folders by full path and every plugin option,
/// defaults included, so resuming, evaluating and reproducing it need nothing from where the recipe was.
/// </summary>
[TestFixture]
public sealed class PortableRunTests
{
    private static (TinyRecipe Recipe, string Plugins) WithEdgeSampler(string folder = "my-plugins")
    {
        var recipe = new TinyRecipe();
        var plugins = Path.Combine(recipe.Folder, folder);
        TestFolders.Copy(TestFolders.EdgeSamplePlugin, Path.Combine(plugins, "EdgeCentred"));
        return (recipe, plugins);
    }

    private static string OnlyRun(TinyRecipe recipe) => Directory.GetDirectories(recipe.Runs).Single();

    [Test]
    public void A_run_with_recipe_plugin_folders_records_them_by_full_path_and_resumes_and_evaluates()
    {
        var (recipe, plugins) = WithEdgeSampler();
        var path = recipe.Write(TinyRecipe.Text("name: edge-centred", "plugin_folders: [my-plugins]"));
        Assert.That(recipe.Invoke("run", path).ExitCode, Is.EqualTo(0));
        var run = OnlyRun(recipe);

        Assert.That(File.ReadAllText(Path.Combine(run, "recipe.yaml")), Does.Contain($"plugin_folders:\n  - '{plugins}'"));
        var resumed = recipe.Invoke("run", "--resume", run);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        var evaluated = recipe.Invoke("eval", "checkpoint", run);
        Assert.That(evaluated.ExitCode, Is.EqualTo(0), evaluated.Error);
    }

    [Test]
    public void A_run_with_plugins_folders_resumes_without_repeating_them()
    {
        var (recipe, plugins) = WithEdgeSampler("elsewhere");
        var path = recipe.Write(TinyRecipe.Text("name: edge-centred"));
        Assert.That(recipe.Invoke("run", path, "--plugins", "elsewhere").ExitCode, Is.EqualTo(0));
        var run = OnlyRun(recipe);

        Assert.That(File.ReadAllText(Path.Combine(run, "recipe.yaml")), Does.Contain($"  - '{plugins}'"));
        var resumed = recipe.Invoke("run", "--resume", run);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
    }

    [Test]
    public void Evaluating_a_checkpoint_needs_neither_the_sampler_nor_its_folder()
    {
        var (recipe, plugins) = WithEdgeSampler();
        var path = recipe.Write(TinyRecipe.Text("name: edge-centred", "plugin_folders: [my-plugins]"));
        Assert.That(recipe.Invoke("run", path).ExitCode, Is.EqualTo(0));
        Directory.Delete(plugins, recursive: true);

        var evaluated = recipe.Invoke("eval", "checkpoint", OnlyRun(recipe));

        Assert.That(evaluated.ExitCode, Is.EqualTo(0), evaluated.Error);
        Assert.That(evaluated.Error, Does.Contain($"warning: the run's plugin folder '{plugins}' no longer exists"));
    }

    [Test]
    public void Resuming_without_a_plugin_the_run_used_names_the_dll_it_came_from_and_the_plugins_fix()
    {
        var (recipe, plugins) = WithEdgeSampler();
        var path = recipe.Write(TinyRecipe.Text("name: edge-centred", "plugin_folders: [my-plugins]"));
        Assert.That(recipe.Invoke("run", path).ExitCode, Is.EqualTo(0));
        var run = OnlyRun(recipe);
        var dll = Path.Combine(plugins, "EdgeCentred", "ContrastiveCrop.Samples.EdgeCentredSampler.dll");
        // The plugin moves to another folder; the run's folder is left empty.
        var moved = Path.Combine(recipe.Folder, "moved");
        Directory.Move(Path.Combine(plugins, "EdgeCentred"), moved);

        var resumed = recipe.Invoke("run", "--resume", run);

        Assert.That(resumed.ExitCode, Is.EqualTo(2));
        Assert.That(resumed.Error, Does.Contain("unknown crop sampler 'edge-centred'").And.Contain($"The run loaded it from '{dll}'")
            .And.Contain("pass --plugins with the folder that now holds ContrastiveCrop.Samples.EdgeCentredSampler.dll"));
        var fixedUp = recipe.Invoke("run", "--resume", run, "--plugins", moved);
        Assert.That(fixedUp.ExitCode, Is.EqualTo(0), fixedUp.Error);
    }

    [Test]
    public void The_runs_recipe_lists_plugin_defaults_and_checks_back_to_itself()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text());
        Assert.That(recipe.Invoke("run", path).ExitCode, Is.EqualTo(0));
        var written = File.ReadAllText(Path.Combine(OnlyRun(recipe), "recipe.yaml"));

        // Defaults the recipe never wrote: RandomResizedCrop's scale and ratio (0.2..1, 3/4..4/3 in this
        // platform), SimCLR's base temperature and projection width, kNN's temperature.
        Assert.That(written, Does.Contain("  sampler:\n    name: random-resized-crop\n    scale:\n      - 0.2\n      - 1\n    ratio:\n      - 0.75\n      - 1.3333333333333333\n"));
        Assert.That(written, Does.Contain("    base_temperature: 0.07\n    projection_dim: 128\n"));
        var copy = recipe.Write(written, "copied.yaml");
        var check = recipe.Invoke("recipe", "check", copy);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Error);
        Assert.That(check.Out, Is.EqualTo(written));
    }
}
