using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class DdmLossTests
{
    [Test]
    public void Matches_hand_computed_cross_entropy_between_weak_and_strong_distributions()
    {
        using var scope = NewDisposeScope();
        // Weak query (1, 0), strong query (0, 1), key (1, 0), queue [(0, 1)], T = 1.
        //   weak logits [1, 0]   → p_weak = [e/(e+1), 1/(e+1)] = [0.731059, 0.268941]
        //   strong logits [0, 1] → log p_strong = [−log(1+e), 1 − log(1+e)] = [−1.313262, −0.313262]
        //   DDM = 0.731059·1.313262 + 0.268941·0.313262 = 1.044320
        var loss = DdmLoss.Compute(tensor(new float[,] { { 1, 0 } }), tensor(new float[,] { { 0, 1 } }),
            tensor(new float[,] { { 1, 0 } }), tensor(new float[,] { { 0, 1 } }), temperature: 1.0);

        Assert.That(loss.item<float>(), Is.EqualTo(1.044320).Within(1e-5));
    }

    [Test]
    public void When_strong_equals_weak_the_loss_is_the_entropy_of_the_weak_distribution()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var q = nn.functional.normalize(randn(4, 8), dim: 1);
        var k = nn.functional.normalize(randn(4, 8), dim: 1);
        var queue = nn.functional.normalize(randn(16, 8), dim: 1);
        var p = nn.functional.softmax(cat([(q * k).sum(1, keepdim: true), q.matmul(queue.t())], 1) / 0.2, 1);
        var entropy = (-(p * p.log()).sum(1)).mean();

        var loss = DdmLoss.Compute(q, q, k, queue, 0.2);

        Assert.That(loss.item<float>(), Is.EqualTo(entropy.item<float>()).Within(1e-5));
    }

    [Test]
    public void The_weak_distribution_is_a_target_without_gradient()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var weak = randn(3, 5, requires_grad: true);
        var strong = randn(3, 5, requires_grad: true);

        DdmLoss.Compute(weak, strong, randn(3, 5), randn(6, 5), 0.2).backward();

        Assert.That(weak.grad, Is.Null);
        Assert.That(strong.grad!.abs().sum().item<float>(), Is.GreaterThan(0));
    }
}
