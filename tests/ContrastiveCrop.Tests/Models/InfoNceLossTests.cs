using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class InfoNceLossTests
{
    [Test]
    public void Matches_hand_computed_value_with_a_queue()
    {
        using var scope = NewDisposeScope();
        // Queries q1 = (1, 0), q2 = (0, 1); keys k1 = (0.6, 0.8), k2 = (0, 2) → (0, 1);
        // queue n1 = (0, 1), n2 = (−1, 0); τ = 0.5 doubles every dot product.
        //   q1: logits [pos q1·k1 = 0.6 → 1.2, q1·n1 = 0 → 0, q1·n2 = −1 → −2]
        //       loss = log(e^1.2 + e^0 + e^−2) − 1.2 = log(4.455452) − 1.2 = 0.294129
        //   q2: logits [pos q2·k2 = 1 → 2, q2·n1 = 1 → 2, q2·n2 = 0 → 0]
        //       loss = log(2·e^2 + e^0) − 2 = log(15.778112) − 2 = 0.758624
        // Mean: (0.294129 + 0.758624) / 2 = 0.526376.
        var queries = tensor(new float[,] { { 1, 0 }, { 0, 1 } });
        var keys = tensor(new float[,] { { 0.6f, 0.8f }, { 0, 2 } });
        var queue = tensor(new float[,] { { 0, 1 }, { -1, 0 } });

        var loss = InfoNceLoss.Compute(queries, keys, queue, temperature: 0.5);

        Assert.That(loss.shape, Is.Empty);
        Assert.That(loss.item<float>(), Is.EqualTo(0.526376).Within(1e-5));
    }

    [Test]
    public void Without_negatives_the_only_choice_is_the_positive()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);

        var loss = InfoNceLoss.Compute(randn(3, 4), randn(3, 4), zeros(0, 4), 0.2);

        Assert.That(loss.item<float>(), Is.EqualTo(0).Within(1e-6));
    }

    [Test]
    public void Gradient_flows_to_queries_only()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        var q = randn(4, 3, requires_grad: true);
        var k = randn(4, 3);
        var queue = nn.functional.normalize(randn(8, 3), dim: 1);

        InfoNceLoss.Compute(q, k, queue, 0.2).backward();

        Assert.That(q.grad!.abs().sum().item<float>(), Is.GreaterThan(0));
        Assert.That(k.grad, Is.Null);
        Assert.That(queue.grad, Is.Null);
    }

    [Test]
    public void Rejects_negatives_of_another_width()
    {
        using var scope = NewDisposeScope();
        Assert.That(() => InfoNceLoss.Compute(ones(2, 3), ones(2, 3), ones(5, 4), 0.2), Throws.ArgumentException);
    }
}
