using ContrastiveCrop.Detection.Boxes;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class BalancedSamplerTests
{
    [Test]
    public void Positives_are_capped_at_the_fraction_and_negatives_fill_the_rest()
    {
        using var scope = NewDisposeScope();
        // 10 positives, 20 negatives, 5 ignored; batch 8 at 25% → 2 positives, 6 negatives.
        var labels = cat([full(10, 1L), full(20, 0L), full(5, -1L)]);
        var (pos, neg) = new BalancedSampler(8, 0.25).Sample(labels, backgroundLabel: 0, manual_seed(1));
        Assert.That(pos.shape[0], Is.EqualTo(2));
        Assert.That(neg.shape[0], Is.EqualTo(6));
        Assert.That(labels[pos].eq(1).all().item<bool>(), Is.True);
        Assert.That(labels[neg].eq(0).all().item<bool>(), Is.True);
        Assert.That(pos.unique().Item1.shape[0] + neg.unique().Item1.shape[0], Is.EqualTo(8), "drawn without replacement");
    }

    [Test]
    public void Few_positives_leave_room_for_more_negatives()
    {
        using var scope = NewDisposeScope();
        // ROI-head labels: classes 0..2 are foreground, 3 is background. One positive, batch 6 at 50%.
        var labels = tensor(new long[] { 3, 3, 2, 3, 3, 3, 3, 3, 3 });
        var (pos, neg) = new BalancedSampler(6, 0.5).Sample(labels, backgroundLabel: 3, manual_seed(2));
        Assert.That(pos.data<long>().ToArray(), Is.EqualTo(new long[] { 2 }));
        Assert.That(neg.shape[0], Is.EqualTo(5));
    }

    [Test]
    public void Too_few_examples_return_what_exists()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 1, 0, -1 });
        var (pos, neg) = new BalancedSampler(256, 0.5).Sample(labels, 0, manual_seed(3));
        Assert.That((pos.shape[0], neg.shape[0]), Is.EqualTo((1L, 1L)));
    }
}
