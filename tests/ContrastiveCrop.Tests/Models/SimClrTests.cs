using NUnit.Framework;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class SimClrTests
{
    [SetUp]
    public void Seed() => manual_seed(11);

    [Test]
    public void Defaults_follow_ContrastiveCrops_SimCLR_configs()
    {
        var options = new SimClrOptions();
        Assert.That(options.Temperature, Is.EqualTo(0.5));
        Assert.That(options.LossScale, Is.EqualTo(0.5 / 0.07).Within(1e-12));
        Assert.That(options.ProjectionDim, Is.EqualTo(128));
        Assert.That(((IValidatableOptions)options).Validate(), Is.Empty);
    }

    [Test]
    public void Invalid_options_are_reported_under_their_recipe_keys()
    {
        var errors = new SimClrOptions(Temperature: 0, BaseTemperature: -1, ProjectionDim: 0, HiddenDim: 0, ProjectorLayers: 0, Pipeline: " ", ImageSize: 0).Validate();
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "temperature", "base_temperature", "projection_dim", "hidden_dim", "projector_layers", "pipeline", "image_size" }));
    }

    [Test]
    public void Asks_for_two_views_of_its_pipeline()
    {
        using var method = new SimClr(new SimClrOptions(Pipeline: "ccrop", ImageSize: 32), TinyProblem.Backbone());
        Assert.That(method.Views, Is.EqualTo(new[] { new ViewSpec("ccrop", 32), new ViewSpec("ccrop", 32) }));
    }

    [Test]
    public void State_is_backbone_and_two_layer_projector_all_trainable()
    {
        using var backbone = TinyProblem.Backbone();
        using var method = new SimClr(new SimClrOptions(), backbone);

        var keys = method.Module.state_dict().Keys.ToList();
        Assert.That(keys.Where(k => k.StartsWith("projector.")),
            Is.EquivalentTo(new[] { "projector.0.weight", "projector.0.bias", "projector.2.weight", "projector.2.bias" }));
        Assert.That(keys.Where(k => !k.StartsWith("projector.")), Is.EquivalentTo(backbone.state_dict().Keys.Select(k => "backbone." + k)));
        Assert.That(method.TrainableParameters.Count(), Is.EqualTo(method.parameters().Count()));
        Assert.That(method.state_dict()["projector.0.weight"].shape, Is.EqualTo(new long[] { 64, 64 }));
        Assert.That(method.state_dict()["projector.2.weight"].shape, Is.EqualTo(new long[] { 128, 64 }));
    }

    [Test]
    public void Projector_batch_norm_adds_norm_after_the_hidden_layer()
    {
        using var method = new SimClr(new SimClrOptions(ProjectorBatchNorm: true, HiddenDim: 32), TinyProblem.Backbone());
        var keys = method.state_dict().Keys.Where(k => k.StartsWith("projector.")).ToList();
        Assert.That(keys, Does.Contain("projector.1.running_mean"));
        Assert.That(keys, Does.Not.Contain("projector.0.bias"), "no bias before batch norm");
        Assert.That(method.state_dict()["projector.3.weight"].shape, Is.EqualTo(new long[] { 128, 32 }));
    }

    [Test]
    public void Loss_is_NT_Xent_scaled_by_temperature_over_base_temperature()
    {
        using var scope = NewDisposeScope();
        var views = TinyProblem.Views(4, seed: 1);
        manual_seed(12);
        using var scaled = new SimClr(new SimClrOptions(), TinyProblem.Backbone());
        manual_seed(12); // same weights
        using var plain = new SimClr(new SimClrOptions(BaseTemperature: null), TinyProblem.Backbone());

        var a = scaled.ComputeLoss(views, default);
        var b = plain.ComputeLoss(views, default);

        Assert.That(a.Loss.item<float>(), Is.EqualTo(b.Loss.item<float>() * 0.5 / 0.07).Within(1e-4).Percent);
        Assert.That(a.PositiveSimilarity!.shape, Is.Empty);
        Assert.That(a.PositiveSimilarity.item<float>(), Is.InRange(-1f, 1f));
    }

    [Test]
    public void Rejects_a_wrong_number_of_views()
    {
        using var scope = NewDisposeScope();
        using var method = new SimClr(new SimClrOptions(), TinyProblem.Backbone());
        Assert.That(() => method.ComputeLoss([TinyProblem.Views(2, 3)[0]], default), Throws.ArgumentException);
    }
}
