using NUnit.Framework;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class MoCoTests
{
    [SetUp]
    public void Seed() => manual_seed(21);

    private static MoCo Create(double momentum = 0.999, int queueSize = 32, bool symmetric = false) =>
        new(new MoCoOptions(ProjectionDim: 16, QueueSize: queueSize, Momentum: momentum, Symmetric: symmetric), TinyProblem.Backbone());

    private static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    [Test]
    public void Defaults_follow_ContrastiveCrops_MoCo_configs()
    {
        var v2 = new MoCoOptions();
        var v1 = new MoCoV1Options();
        Assert.That((v2.Temperature, v2.Momentum, v2.QueueSize, v2.MlpHead, v2.ProjectionDim), Is.EqualTo((0.2, 0.999, 65536, true, 128)));
        Assert.That((v1.Temperature, v1.Momentum, v1.QueueSize, v1.MlpHead, v1.ProjectionDim), Is.EqualTo((0.07, 0.999, 65536, false, 128)));
    }

    [Test]
    public void Invalid_options_are_reported_under_their_recipe_keys()
    {
        var errors = new MoCoOptions(ProjectionDim: 0, HiddenDim: 0, QueueSize: 0, Momentum: 1.5, Temperature: double.NaN, Pipeline: "", ImageSize: -3).Validate();
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "projection_dim", "hidden_dim", "queue_size", "momentum", "temperature", "pipeline", "image_size" }));
    }

    [Test]
    public void Key_encoder_starts_as_a_copy_of_the_query_encoder()
    {
        using var method = Create();
        var state = method.state_dict();

        var keyTensors = state.Keys.Where(k => k.StartsWith("key_")).ToList();
        Assert.That(keyTensors, Is.Not.Empty);
        foreach (var key in keyTensors)
            Assert.That(state[key].eq(state[key["key_".Length..]]).all().item<bool>(), Is.True, key);
        Assert.That(state.Keys, Does.Contain("queue.keys").And.Contain("queue.pointer"));
        Assert.That(state["key_projector.2.weight"].shape, Is.EqualTo(new long[] { 16, 64 }));
    }

    [Test]
    public void MoCo_v1_has_a_linear_head_and_its_own_defaults()
    {
        using var method = new MoCoV1(new MoCoV1Options(ProjectionDim: 16, QueueSize: 8), TinyProblem.Backbone());
        var head = method.state_dict().Keys.Where(k => k.StartsWith("projector.")).ToList();

        Assert.That(head, Is.EquivalentTo(new[] { "projector.0.weight", "projector.0.bias" }));
        Assert.That(method.Views[0].Pipeline, Is.EqualTo("moco-v1"));
    }

    [Test]
    public void Gradients_do_not_flow_into_the_key_encoder()
    {
        using var scope = NewDisposeScope();
        using var method = Create();

        method.ComputeLoss(TinyProblem.Views(4, seed: 2), default).Loss.backward();

        var keyParameters = method.KeyBackbone.parameters().Concat(method.KeyProjector.parameters()).ToList();
        Assert.That(keyParameters.All(p => !p.requires_grad && p.grad is null), Is.True, "key encoder untouched by autograd");
        Assert.That(method.TrainableParameters.All(p => p.grad is not null), Is.True, "every trainable parameter got a gradient");
        var keyHandles = keyParameters.Select(p => p.Handle).ToHashSet();
        Assert.That(method.TrainableParameters.Any(p => keyHandles.Contains(p.Handle)), Is.False, "optimiser never sees the key encoder");
        Assert.That(method.TrainableParameters.Count() + keyParameters.Count, Is.EqualTo(method.parameters().Count()));
    }

    [Test]
    public void After_optimizer_step_moves_key_encoder_by_the_EMA_formula()
    {
        using var scope = NewDisposeScope();
        const double m = 0.9;
        using var method = Create(momentum: m);
        // Stand-in for an optimiser step: move every query parameter.
        using (no_grad())
            foreach (var p in method.TrainableParameters) p.add_(randn_like(p));
        var query = Snapshot(method.Backbone()).Concat(Snapshot(method.Projector()).Select(kv => KeyValuePair.Create("p." + kv.Key, kv.Value))).ToDictionary();
        var keyBefore = Snapshot(method.KeyBackbone).Concat(Snapshot(method.KeyProjector).Select(kv => KeyValuePair.Create("p." + kv.Key, kv.Value))).ToDictionary();

        method.AfterOptimizerStep(default);

        var keyAfter = Snapshot(method.KeyBackbone).Concat(Snapshot(method.KeyProjector).Select(kv => KeyValuePair.Create("p." + kv.Key, kv.Value))).ToDictionary();
        foreach (var (name, after) in keyAfter)
        {
            var expected = m * keyBefore[name] + (1 - m) * query[name];
            Assert.That(after.allclose(expected, rtol: 1e-5, atol: 1e-6), Is.True, name);
        }
    }

    [Test]
    public void Keys_are_queued_only_after_the_optimizer_step()
    {
        using var scope = NewDisposeScope();
        using var method = Create(queueSize: 32);
        var views = TinyProblem.Views(4, seed: 3);
        var before = method.Queue.Keys.clone();
        Tensor expectedKeys;
        using (no_grad())
            expectedKeys = nn.functional.normalize(method.KeyProjector.call(method.KeyBackbone.call(views[1])), dim: 1);

        method.ComputeLoss(views, default);
        Assert.That(method.Queue.Pointer, Is.EqualTo(0));
        Assert.That(method.Queue.Keys.equal(before).all().item<bool>(), Is.True, "queue unchanged until the step");

        method.AfterOptimizerStep(default);
        Assert.That(method.Queue.Pointer, Is.EqualTo(4));
        Assert.That(method.Queue.Keys.narrow(0, 0, 4).allclose(expectedKeys, rtol: 1e-4, atol: 1e-5), Is.True, "keys of view 2");
        Assert.That(method.Queue.Keys.narrow(0, 4, 28).equal(before.narrow(0, 4, 28)).all().item<bool>(), Is.True);
    }

    [Test]
    public void Symmetric_loss_queues_keys_of_both_views()
    {
        using var scope = NewDisposeScope();
        using var method = Create(symmetric: true);

        var output = method.ComputeLoss(TinyProblem.Views(4, seed: 4), default);
        method.AfterOptimizerStep(default);

        Assert.That(method.Queue.Pointer, Is.EqualTo(8));
        Assert.That(output.Loss.shape, Is.Empty);
        Assert.That(output.PositiveSimilarity!.item<float>(), Is.InRange(-1f, 1f));
    }

}

/// <summary>Named submodules of a method, for tests.</summary>
internal static class MethodModules
{
    public static nn.Module Backbone(this MoCo method) => method.named_children().Single(c => c.name == "backbone").module;
    public static nn.Module Projector(this MoCo method) => method.named_children().Single(c => c.name == "projector").module;
}
