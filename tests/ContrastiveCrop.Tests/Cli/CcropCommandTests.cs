using System.Text.Json;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

[TestFixture]
public sealed class CcropCommandTests
{
    [Test]
    public void Run_trains_and_writes_resolved_recipe_manifest_metrics_checkpoint_and_results()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text());

        var outcome = recipe.Invoke("run", path, "--set", "pretrain.epochs=3");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var run = Directory.GetDirectories(recipe.Runs).Single();
        Assert.That(Path.GetFileName(run), Does.Match(@"^tiny-\d{8}-\d{6}$"));
        var resolved = File.ReadAllText(Path.Combine(run, "recipe.yaml"));
        Assert.That(resolved, Does.Contain("epochs: 3"), "the override is part of the recipe written to the run");
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "manifest.json"))).RootElement;
        Assert.That(manifest.GetProperty("status").GetString(), Is.EqualTo("finished"));
        Assert.That(manifest.GetProperty("seed").GetInt64(), Is.EqualTo(3));
        var epochs = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"pretrain/epoch\""));
        Assert.That(epochs, Is.EqualTo(3));
        Assert.That(new FileInfo(Path.Combine(run, "checkpoints", "last.pt")).Length, Is.GreaterThan(1000));
        Assert.That(File.ReadAllText(Path.Combine(run, "results.md")), Does.Contain("| knn | top1 |"));
    }

    [Test]
    public void A_third_party_sampler_dll_in_a_copied_folder_runs_in_a_recipe_without_recompiling()
    {
        var recipe = new TinyRecipe();
        TestFolders.Copy(TestFolders.SamplePlugin, Path.Combine(recipe.Folder, "my-plugins", "FixedBox"));
        var path = recipe.Write(TinyRecipe.Text("name: fixed-box, box: [0.25, 0.25, 0.75, 0.75]", "plugin_folders: [my-plugins]"));

        var outcome = recipe.Invoke("run", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var manifest = File.ReadAllText(Path.Combine(Directory.GetDirectories(recipe.Runs).Single(), "manifest.json"));
        Assert.That(manifest, Does.Contain("crop sampler 'fixed-box'"));
        Assert.That(manifest, Does.Contain(Path.Combine(recipe.Folder, "my-plugins", "FixedBox")));
    }

    [Test]
    public void Recipe_check_prints_the_resolved_recipe_with_bases_and_overrides_applied()
    {
        var recipe = new TinyRecipe();
        recipe.Write("pretrain:\n  epochs: 7\n  lr: 0.3\n", "base.yaml");
        var path = recipe.Write("_base_: base.yaml\n" + TinyRecipe.Text().Replace("  epochs: 2\n", "").Replace("  lr: 0.05\n", ""));

        var outcome = recipe.Invoke("recipe", "check", path, "--set", "pretrain.lr=0.1");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        Assert.That(outcome.Out, Does.Contain("epochs: 7").And.Contain("lr: 0.1").And.Not.Contain("_base_"));
        Assert.That(Directory.Exists(recipe.Runs), Is.False, "checking does not run anything");
    }

    [Test]
    public void A_misspelt_key_stops_before_any_work_with_file_line_column_and_a_suggestion()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text().Replace("  log_every: 1", "  log_evry: 1"));

        var outcome = recipe.Invoke("run", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error.Trim(), Is.EqualTo($"error: {path}:15:3: pretrain.log_evry: unknown key; did you mean 'log_every'?"));
        Assert.That(Directory.Exists(recipe.Runs), Is.False);
    }

    [Test]
    public void A_wrong_type_names_the_position_and_the_expected_type()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text().Replace("  epochs: 2", "  epochs: ten"));

        var outcome = recipe.Invoke("recipe", "check", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain($"{path}:11:11: pretrain.epochs: expected an integer, got 'ten'"));
    }

    [Test]
    public void An_invalid_plugin_option_is_reported_at_its_key_before_any_work()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text("name: random-resized-crop, scale: [0.9, 0.1]"));

        var outcome = recipe.Invoke("run", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("pretrain.sampler.scale: must be [min, max] with 0 < min <= max <= 1"));
        Assert.That(Directory.Exists(recipe.Runs), Is.False);
    }

    [Test]
    public void An_unknown_method_lists_the_known_methods()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text().Replace("name: simclr", "name: simclear"));

        var outcome = recipe.Invoke("run", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("unknown method 'simclear'; known: ").And.Contain("moco-v2").And.Contain("Did you mean 'simclr'?"));
    }

    [Test]
    public void Asking_for_cuda_on_a_machine_without_one_is_one_clear_error()
    {
        if (TorchSharp.torch.cuda.is_available()) Assert.Ignore("This machine has a GPU.");
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text().Replace("device: cpu", "device: cuda"));

        var outcome = recipe.Invoke("run", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.StartWith($"error: {path}:3:1: device: device 'cuda' was asked for, but no CUDA device is available"));
        Assert.That(Directory.Exists(recipe.Runs), Is.False, "found before a run folder is made");
    }

    [Test]
    public void A_missing_recipe_file_is_named()
    {
        var outcome = Ccrop.Invoke("run", "/nonexistent/recipe.yaml");
        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error.Trim(), Is.EqualTo("error: Recipe '/nonexistent/recipe.yaml' does not exist."));
    }

    [Test]
    public void Plugins_list_shows_kind_name_version_and_assembly_path()
    {
        var outcome = Ccrop.Invoke("plugins", "list");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var line = outcome.Out.Split('\n').Single(l => l.Contains("random-resized-crop"));
        Assert.That(line, Does.StartWith("crop sampler").And.Contain("0.1.0").And.Contain(Path.Combine("plugins", "ContrastiveCrop.Plugins.Samplers")));
    }

    [Test]
    public void Doctor_reports_that_TorchSharp_loads_and_the_native_library_state()
    {
        var outcome = Ccrop.Invoke("doctor");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Out + outcome.Error);
        Assert.That(outcome.Out, Does.Contain("TorchSharp               loads and computes"));
        Assert.That(outcome.Out, Does.Contain("GLIBCXX_3.4.32 need"));
        Assert.That(outcome.Out, Does.Contain("shapes-on-clutter: available"));
    }
}
