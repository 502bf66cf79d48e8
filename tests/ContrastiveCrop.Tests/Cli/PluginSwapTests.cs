using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>
/// Swapping a plugin by one line: the previous plugin's own options go (with one notice), options that are not
/// the plugin's (the pipeline chosen for small data, shared by both methods) stay.
/// </summary>
[TestFixture]
public sealed class PluginSwapTests
{
    // SimCLR with its own options (base_temperature, projection_layers) and ones MoCo v2 also takes (temperature, pipeline).
    private static readonly string Recipe = TinyRecipe.Text().Replace(
        "method: {name: simclr, temperature: 0.5}", "method: {name: simclr, temperature: 0.3, base_temperature: 0.1, projector_layers: 3, pipeline: small}");

    private static string Method(string yaml)
    {
        var lines = yaml.Split('\n');
        int start = Array.IndexOf(lines, "  method:");
        return string.Join("\n", lines.Skip(start + 1).TakeWhile(l => l.StartsWith("    ")).Select(l => l.Trim()));
    }

    [TestCase("pretrain.method.name=moco-v2")]
    [TestCase("pretrain.method={name: moco-v2}")]
    public void Setting_the_method_name_drops_the_previous_methods_options_and_keeps_shared_ones(string swap)
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(Recipe);

        var outcome = recipe.Invoke("recipe", "check", path, "--set", swap);

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        Assert.That(outcome.Error.Split('\n').Count(l => l.StartsWith("note: ")), Is.EqualTo(1));
        Assert.That(outcome.Error, Does.Contain("note: pretrain.method.name is now 'moco-v2' (was 'simclr'): dropped simclr's option(s) base_temperature, projector_layers"));
        // MoCo v2's options in declaration order: the recipe's shared values, MoCo's defaults for the rest.
        Assert.That(Method(outcome.Out), Is.EqualTo(string.Join("\n",
            "name: moco-v2", "projection_dim: 128", "hidden_dim: null", "mlp_head: true", "queue_size: 65536", "momentum: 0.999",
            "temperature: 0.3", "symmetric: false", "pipeline: small", "image_size: null")));
    }

    [Test]
    public void A_mapping_with_delete_replaces_the_section_whole()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(Recipe);

        var outcome = recipe.Invoke("recipe", "check", path, "--set", "pretrain.method={_delete_: true, name: moco-v2}");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        Assert.That(outcome.Error, Does.Not.Contain("note: "));
        Assert.That(Method(outcome.Out), Does.Contain("temperature: 0.2").And.Contain("pipeline: moco-v2"));
    }

    [Test]
    public void An_option_of_the_previous_plugin_set_on_the_command_line_is_still_reported()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(Recipe);

        var outcome = recipe.Invoke("recipe", "check", path, "--set", "pretrain.method.name=moco-v2", "--set", "pretrain.method.base_temperature=0.2");

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("pretrain.method.base_temperature").And.Contain("unknown key"));
    }

    [Test]
    public void Swapping_the_sampler_drops_contrastive_crops_options_and_keeps_the_crop_scale()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text("name: contrastive-crop, alpha: 0.6, scale: [0.3, 1.0]"));

        var outcome = recipe.Invoke("recipe", "check", path, "--set", "pretrain.sampler.name=random-resized-crop");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        Assert.That(outcome.Error, Does.Contain("dropped contrastive-crop's option(s) alpha"));
        Assert.That(outcome.Out, Does.Contain("    name: random-resized-crop\n    scale:\n      - 0.3\n      - 1\n"));
    }
}
