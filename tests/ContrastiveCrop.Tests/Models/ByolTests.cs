using NUnit.Framework;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class ByolTests
{
    [SetUp]
    public void Seed() => manual_seed(41);

    private static Byol Create(string schedule = "cosine") =>
        new(new ByolOptions(ProjectionDim: 16, HiddenDim: 32, MomentumSchedule: schedule), TinyProblem.Backbone());

    [Test]
    public void Defaults_follow_ContrastiveCrops_BYOL_configs()
    {
        var o = new ByolOptions();
        Assert.That((o.ProjectionDim, o.HiddenDim, o.BaseMomentum, o.MomentumSchedule), Is.EqualTo((128, 512, 0.996, "cosine")));
    }

    // τ = 1 − (1 − 0.996)·(cos(π·f) + 1)/2: f = 0 → 0.996; f = ½ → 1 − 0.004·½ = 0.998; f = 1 → 1.
    [TestCase(0.0, 0.996)]
    [TestCase(0.5, 0.998)]
    [TestCase(1.0, 1.0)]
    public void Cosine_schedule_raises_tau_from_base_to_one(double fraction, double expected) =>
        Assert.That(Byol.TargetMomentum(0.996, "cosine", fraction), Is.EqualTo(expected).Within(1e-12));

    [Test]
    public void Constant_schedule_keeps_the_base_tau() =>
        Assert.That(Byol.TargetMomentum(0.996, "constant", 0.7), Is.EqualTo(0.996));

    [Test]
    public void Target_starts_as_a_copy_and_holds_no_trainable_parameters()
    {
        using var method = Create();
        var state = method.state_dict();
        foreach (var key in state.Keys.Where(k => k.StartsWith("target_")))
            Assert.That(state[key].eq(state[key["target_".Length..]]).all().item<bool>(), Is.True, key);
        var trainable = method.TrainableParameters.Select(p => p.Handle).ToHashSet();
        Assert.That(method.named_parameters().Where(p => p.name.StartsWith("target_")).Any(p => trainable.Contains(p.parameter.Handle) || p.parameter.requires_grad), Is.False);
        Assert.That(state.Keys, Does.Contain("predictor.3.weight"));
    }

    [Test]
    public void Target_update_equals_the_EMA_formula()
    {
        using var method = Create();
        using (no_grad())
            foreach (var p in method.TrainableParameters) p.add_(1.0);
        var online = method.named_parameters().Where(p => p.name.StartsWith("backbone.") || p.name.StartsWith("projector."))
            .ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var target = method.named_parameters().Where(p => p.name.StartsWith("target_"))
            .ToDictionary(p => p.name, p => p.parameter.detach().clone());

        // Step 25 of 100: τ = 1 − 0.004·(cos(π/4) + 1)/2 = 1 − 0.004·0.8535534 = 0.9965858.
        method.AfterOptimizerStep(new TrainingProgress(0, 1, 25, 100));

        const double tau = 0.99658579;
        var after = method.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, old) in target)
        {
            var expected = old * tau + online[name["target_".Length..]] * (1 - tau);
            Assert.That(after[name].allclose(expected, rtol: 1e-5, atol: 1e-6), Is.True, name);
        }
    }

    [Test]
    public void Loss_is_the_symmetric_sum_and_targets_get_no_gradient()
    {
        using var method = Create();
        var views = TinyProblem.Views(6, seed: 2);
        var output = method.ComputeLoss(views, default);
        output.Loss.backward();
        // Each term 2 − 2cos lies in [0, 4]; the sum in [0, 8].
        Assert.That(output.Loss.item<float>(), Is.InRange(0f, 8f));
        Assert.That(method.named_parameters().Where(p => p.name.StartsWith("target_")).All(p => p.parameter.grad is null), Is.True);
        Assert.That(method.named_parameters().Where(p => p.name.StartsWith("predictor.")).All(p => p.parameter.grad is not null), Is.True);
    }
}
