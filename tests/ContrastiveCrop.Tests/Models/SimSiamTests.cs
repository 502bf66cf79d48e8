using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class SimSiamTests
{
    [SetUp]
    public void Seed() => manual_seed(43);

    private static SimSiam Create() => new(new SimSiamOptions(ProjectionDim: 32, PredictorHiddenDim: 8), TinyProblem.Backbone());

    [Test]
    public void Defaults_follow_ContrastiveCrops_SimSiam_configs()
    {
        var o = new SimSiamOptions();
        Assert.That((o.ProjectionDim, o.HiddenDim, o.PredictorHiddenDim), Is.EqualTo((512, (int?)null, 128)));
    }

    [Test]
    public void Projector_has_three_layers_with_batch_norm_and_the_output_norm_has_no_affine()
    {
        using var method = Create();
        var keys = method.state_dict().Keys.Where(k => k.StartsWith("projector.") || k.StartsWith("predictor.")).ToList();
        // Sequential indices: 0 Linear, 1 BN, 2 ReLU, 3 Linear, 4 BN, 5 ReLU, 6 Linear, 7 BN(affine = false).
        Assert.That(keys, Does.Contain("projector.6.weight").And.Contain("projector.7.running_mean"));
        Assert.That(keys, Does.Not.Contain("projector.7.weight").And.Not.Contain("projector.6.bias"));
        // Bottleneck predictor 32 → 8 → 32.
        Assert.That(method.state_dict()["predictor.0.weight"].shape, Is.EqualTo(new long[] { 8, 32 }));
        Assert.That(method.state_dict()["predictor.3.weight"].shape, Is.EqualTo(new long[] { 32, 8 }));
    }

    [Test]
    public void Loss_is_minus_the_mean_cosine_of_predictions_and_the_other_views_projections()
    {
        using var method = Create();
        var views = TinyProblem.Views(6, seed: 4);
        method.eval(); // fixed BN statistics, so the two forwards below see the same network
        var loss = method.ComputeLoss(views, default).Loss.item<float>();
        var projector = (Sequential)method.named_children().Single(c => c.name == "projector").module;
        var predictor = (Sequential)method.named_children().Single(c => c.name == "predictor").module;
        var backbone = (TorchSharp.torch.nn.Module<Tensor, Tensor>)method.named_children().Single(c => c.name == "backbone").module;
        using (no_grad())
        {
            var z1 = projector.call(backbone.call(views[0]));
            var z2 = projector.call(backbone.call(views[1]));
            var p1 = predictor.call(z1);
            var p2 = predictor.call(z2);
            var expected = -0.5 * (nn.functional.cosine_similarity(p1, z2, dim: 1).mean() + nn.functional.cosine_similarity(p2, z1, dim: 1).mean());
            Assert.That(loss, Is.EqualTo(expected.item<float>()).Within(1e-5));
        }
        Assert.That(loss, Is.InRange(-1f, 1f));
    }
}
