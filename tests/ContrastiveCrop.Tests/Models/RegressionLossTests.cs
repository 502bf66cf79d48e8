using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>BYOL's normalised MSE and SimSiam's negative cosine on vectors whose cosines are known.</summary>
public class RegressionLossTests
{
    // Row 0: p = (1, 0), z = (1, 1): cos = 1/√2. Row 1: p = (0, 2), z = (0, −1): cos = −1.
    private static (Tensor P, Tensor Z) Pairs() =>
        (tensor(new float[] { 1, 0, 0, 2 }, [2, 2]), tensor(new float[] { 1, 1, 0, -1 }, [2, 2]));

    [Test]
    public void Normalized_MSE_is_two_minus_two_cosine_averaged()
    {
        var (p, z) = Pairs();
        // ((2 − 2/√2) + (2 − 2·(−1))) / 2 = (0.5857864 + 4) / 2 = 2.2928932
        Assert.That(NormalizedMseLoss.Compute(p, z).item<float>(), Is.EqualTo(2.2928932f).Within(1e-5));
    }

    [Test]
    public void Normalized_MSE_equals_the_squared_distance_of_unit_vectors()
    {
        manual_seed(3);
        var p = randn(5, 7);
        var z = randn(5, 7);
        var direct = (nn.functional.normalize(p, dim: 1) - nn.functional.normalize(z, dim: 1)).pow(2).sum(1).mean();
        Assert.That(NormalizedMseLoss.Compute(p, z).item<float>(), Is.EqualTo(direct.item<float>()).Within(1e-5));
    }

    [Test]
    public void Negative_cosine_is_minus_the_mean_cosine()
    {
        var (p, z) = Pairs();
        // −(1/√2 + (−1)) / 2 = −(0.7071068 − 1) / 2 = 0.1464466
        Assert.That(NegativeCosineLoss.Compute(p, z).item<float>(), Is.EqualTo(0.1464466f).Within(1e-5));
    }

    [Test]
    public void Both_losses_stop_the_gradient_at_the_target()
    {
        foreach (var loss in new Func<Tensor, Tensor, Tensor>[] { NormalizedMseLoss.Compute, NegativeCosineLoss.Compute })
        {
            var (p0, z0) = Pairs();
            var p = p0.requires_grad_(true);
            var z = z0.requires_grad_(true);
            loss(p, z).backward();
            Assert.That(p.grad, Is.Not.Null);
            Assert.That(p.grad!.abs().sum().item<float>(), Is.GreaterThan(0));
            Assert.That(z.grad is null || z.grad.abs().sum().item<float>() == 0, Is.True, "the target received a gradient");
        }
    }

    [Test]
    public void Mismatched_shapes_are_rejected() =>
        Assert.That(() => NegativeCosineLoss.Compute(zeros(2, 3), zeros(2, 4)), Throws.ArgumentException.With.Message.Contains("[2, 3]"));
}
