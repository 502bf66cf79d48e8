using ContrastiveCrop.Plugins.Evaluation;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Evaluation;

[TestFixture]
public sealed class WeightedKnnTests
{
    [Test]
    public void Votes_are_weighted_by_exp_cosine_over_temperature()
    {
        using var scope = NewDisposeScope();
        // Bank: two class-0 points near +x (cos 0.8 and 0.6 with the query), one class-1 point on the query itself.
        var bank = tensor(new float[] { 0.8f, 0.6f, 0.6f, 0.8f, 0f, 1f }, [3, 2]);
        var labels = tensor(new long[] { 0, 0, 1 });
        var query = tensor(new float[] { 0f, 1f }, [1, 2]);
        // Cosines with the query: 0.6, 0.8, 1.0.
        // T = 1: class 0 gets e^0.6 + e^0.8 = 1.822 + 2.226 = 4.048 > class 1's e^1 = 2.718 → class 0.
        Assert.That(WeightedKnn.Predict(bank, labels, query, 2, k: 3, temperature: 1.0).item<long>(), Is.EqualTo(0));
        // T = 0.1: class 0 gets e^6 + e^8 = 403 + 2981 = 3384 < class 1's e^10 = 22026 → class 1.
        Assert.That(WeightedKnn.Predict(bank, labels, query, 2, k: 3, temperature: 0.1).item<long>(), Is.EqualTo(1));
        // k = 1: only the nearest (class 1) votes, whatever T.
        Assert.That(WeightedKnn.Predict(bank, labels, query, 2, k: 1, temperature: 1.0).item<long>(), Is.EqualTo(1));
    }

    [Test]
    public void Features_are_compared_by_direction_not_length()
    {
        using var scope = NewDisposeScope();
        var bank = tensor(new float[] { 100f, 0f, 0f, 0.01f }, [2, 2]);
        var labels = tensor(new long[] { 0, 1 });
        var query = tensor(new float[] { 0f, 5f }, [1, 2]);
        Assert.That(WeightedKnn.Predict(bank, labels, query, 2, k: 1, temperature: 0.1).item<long>(), Is.EqualTo(1));
    }
}
