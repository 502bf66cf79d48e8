using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Tests.Models;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Engine;

public class OptimizerTests
{
    [Test]
    public void SGD_follows_PyTorchs_momentum_and_weight_decay_formula()
    {
        var p = new Parameter(tensor(new float[] { 1, 2 }));
        using var sgd = new SgdOptimizer([new ParameterGroup([("w", p)], WeightDecay: 0.1, FixedLearningRate: false) { LearningRate = 0.5 }], momentum: 0.9);
        for (int i = 0; i < 2; i++)
        {
            p.grad = tensor(new float[] { 0.5f, -1f });
            sgd.Step();
        }
        // Step 1: d = g + 0.1·p = (0.6, −0.8); b = d; p = (1 − 0.3, 2 + 0.4) = (0.7, 2.4).
        // Step 2: d = (0.5 + 0.07, −1 + 0.24) = (0.57, −0.76); b = 0.9·(0.6, −0.8) + d = (1.11, −1.48);
        //         p = (0.7 − 0.555, 2.4 + 0.74) = (0.145, 3.14).
        Assert.That(p.data<float>().ToArray(), Is.EqualTo(new[] { 0.145f, 3.14f }).Within(1e-5));
        Assert.That(sgd.MomentumBuffers["w"].data<float>().ToArray(), Is.EqualTo(new[] { 1.11f, -1.48f }).Within(1e-5));
    }

    [Test]
    public void Norm_and_bias_parameters_can_be_excluded_from_weight_decay_and_prefixes_keep_a_fixed_rate()
    {
        manual_seed(1);
        using var method = new SimSiam(new SimSiamOptions(ProjectionDim: 16, PredictorHiddenDim: 4), TinyProblem.Backbone());
        var groups = OptimizerFactory.Groups(OptimizerFactory.Named(method.Module, method.TrainableParameters, "simsiam"),
                                             new ParameterGrouping(1e-4, ExcludeNormAndBias: true, FixedLrPrefixes: ["predictor."]));

        var all = groups.SelectMany(g => g.Parameters).ToList();
        Assert.That(all, Has.Count.EqualTo(method.TrainableParameters.Count()));
        Assert.That(groups.Where(g => g.WeightDecay == 0).SelectMany(g => g.Parameters).All(p => p.Parameter.ndim == 1), Is.True);
        Assert.That(groups.Where(g => g.WeightDecay > 0).SelectMany(g => g.Parameters).All(p => p.Parameter.ndim > 1), Is.True);
        Assert.That(all.Single(p => p.Name == "backbone.bn1.weight"), Is.Not.Null);
        Assert.That(groups.Where(g => g.FixedLearningRate).SelectMany(g => g.Parameters).Select(p => p.Name),
                    Is.EquivalentTo(all.Select(p => p.Name).Where(n => n.StartsWith("predictor."))));
    }

    [Test]
    public void Weight_decay_applies_to_every_parameter_by_default()
    {
        manual_seed(1);
        using var method = new SimClr(new SimClrOptions(ProjectionDim: 8), TinyProblem.Backbone());
        var groups = OptimizerFactory.Groups(OptimizerFactory.Named(method.Module, method.TrainableParameters, "simclr"), new ParameterGrouping(5e-4));
        Assert.That(groups, Has.Count.EqualTo(1));
        Assert.That(groups[0].WeightDecay, Is.EqualTo(5e-4));
    }

    [Test]
    public void Clipping_scales_all_gradients_to_the_bound_together()
    {
        var a = new Parameter(zeros(1)) { grad = tensor(new float[] { 3 }) };
        var b = new Parameter(zeros(1)) { grad = tensor(new float[] { 4 }) };
        // Joint norm √(3² + 4²) = 5; bound 1 → factor 1/(5 + 1e−6) → (0.6, 0.8).
        double norm = GradientClipping.ClipByNorm([a, b], 1.0);
        Assert.That(norm, Is.EqualTo(5).Within(1e-5));
        Assert.That((a.grad!.item<float>(), b.grad!.item<float>()), Is.EqualTo((0.6f, 0.8f)).Using<(float, float)>((x, y) => Math.Abs(x.Item1 - y.Item1) < 1e-5 && Math.Abs(x.Item2 - y.Item2) < 1e-5));
    }

    [Test]
    public void Clipping_leaves_small_gradients_alone()
    {
        var a = new Parameter(zeros(2)) { grad = tensor(new float[] { 0.3f, 0.4f }) };
        GradientClipping.ClipByNorm([a], 1.0);
        Assert.That(a.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 0.3f, 0.4f }));
    }

    [TestCase(0, 5, 3, 15, 5)]
    [TestCase(10, 5, 3, 10, 4)] // 10 steps at 3 per epoch: 3 + 3 + 3 + 1, the last epoch partial
    [TestCase(6, 5, 3, 6, 2)]
    public void Length_comes_from_iterations_when_set_else_from_epochs(long iterations, int epochs, int perEpoch, long steps, int totalEpochs)
    {
        var length = TrainingLength.From(epochs, iterations, perEpoch);
        Assert.That((length.TotalSteps, length.TotalEpochs), Is.EqualTo((steps, totalEpochs)));
    }
}
