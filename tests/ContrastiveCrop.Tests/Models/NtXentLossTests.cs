using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class NtXentLossTests
{
    [Test]
    public void Matches_hand_computed_value_on_two_pairs()
    {
        using var scope = NewDisposeScope();
        // Two images, 2-D embeddings; lengths other than 1 check that the loss normalises.
        //   view 1: a1 = (2, 0) → (1, 0)      a2 = (0, 1)
        //   view 2: b1 = (0.6, 0.8)           b2 = (0, 3) → (0, 1)
        // Cosines: a1·a2 = 0, a1·b1 = 0.6, a1·b2 = 0, a2·b1 = 0.8, a2·b2 = 1, b1·b2 = 0.8.
        // τ = 0.5 doubles them. Each anchor's loss is log Σ_{j≠i} e^{logit} − logit(partner):
        //   a1 (partner b1): log(e^0 + e^1.2 + e^0)     − 1.2 = log(5.320117)  − 1.2 = 0.471495
        //   a2 (partner b2): log(e^0 + e^1.6 + e^2)     − 2   = log(13.342088) − 2   = 0.590924
        //   b1 (partner a1): log(e^1.2 + e^1.6 + e^1.6) − 1.2 = log(13.226182) − 1.2 = 1.382198
        //   b2 (partner a2): log(e^0 + e^2 + e^1.6)     − 2   = 0.590924 (same terms as a2)
        // Mean: (0.471495 + 0.590924 + 1.382198 + 0.590924) / 4 = 0.758885.
        var view1 = tensor(new float[,] { { 2, 0 }, { 0, 1 } });
        var view2 = tensor(new float[,] { { 0.6f, 0.8f }, { 0, 3 } });

        var loss = NtXentLoss.Compute(view1, view2, temperature: 0.5);

        Assert.That(loss.shape, Is.Empty);
        Assert.That(loss.item<float>(), Is.EqualTo(0.758885).Within(1e-5));
    }

    [Test]
    public void Is_symmetric_in_the_two_views()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var a = randn(6, 5);
        var b = randn(6, 5);

        Assert.That(NtXentLoss.Compute(a, b, 0.2).item<float>(), Is.EqualTo(NtXentLoss.Compute(b, a, 0.2).item<float>()).Within(1e-5));
    }

    [Test]
    public void Approaches_zero_when_pairs_are_identical_and_orthogonal_to_others()
    {
        using var scope = NewDisposeScope();
        // Partner logit 1/τ = 100, all others 0: loss = log(1 + 2·e^−100) ≈ 0.
        var views = eye(2);

        Assert.That(NtXentLoss.Compute(views, views, 0.01).item<float>(), Is.EqualTo(0).Within(1e-6));
    }

    [Test]
    public void Gradient_reaches_both_views()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var a = randn(4, 3, requires_grad: true);
        var b = randn(4, 3, requires_grad: true);

        NtXentLoss.Compute(a, b, 0.5).backward();

        Assert.That(a.grad!.abs().sum().item<float>(), Is.GreaterThan(0));
        Assert.That(b.grad!.abs().sum().item<float>(), Is.GreaterThan(0));
    }

    [Test]
    public void Rejects_mismatched_shapes_and_non_positive_temperature()
    {
        using var scope = NewDisposeScope();
        Assert.That(() => NtXentLoss.Compute(zeros(2, 3), zeros(3, 3), 0.5), Throws.ArgumentException);
        Assert.That(() => NtXentLoss.Compute(ones(2, 3), ones(2, 3), 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
