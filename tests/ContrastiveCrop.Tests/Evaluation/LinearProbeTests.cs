using ContrastiveCrop.Plugins.Evaluation;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Evaluation;

public class LinearProbeTests
{
    [Test]
    public void Top_k_counts_a_label_among_the_k_largest_logits()
    {
        // Row 0: label 2 has the largest logit (top-1 and top-2 hit). Row 1: label 0 is second (top-2 hit only).
        // Row 2: label 1 is smallest (no hit). Top-1 = 1/3, top-2 = 2/3.
        var logits = tensor(new float[] { 0, 1, 5, 3, 9, 1, 4, 0, 2 }, [3, 3]);
        var labels = tensor(new long[] { 2, 0, 1 });
        Assert.That(LinearProbe.TopK(logits, labels, 1), Is.EqualTo(100.0 / 3).Within(1e-9));
        Assert.That(LinearProbe.TopK(logits, labels, 2), Is.EqualTo(200.0 / 3).Within(1e-9));
    }

    [TestCase(0, 10.0)]
    [TestCase(59, 10.0)]
    [TestCase(60, 1.0)]
    [TestCase(79, 1.0)]
    [TestCase(80, 0.1)]
    public void Default_schedule_is_thee_papers_step_decay(int epoch, double lr) =>
        Assert.That(new LinearProbeOptions().LearningRateAt(epoch), Is.EqualTo(lr).Within(1e-12));

    [Test]
    public void Defaults_are_the_papers_protocol()
    {
        var o = new LinearProbeOptions();
        Assert.That((o.Epochs, o.Lr, o.Momentum, o.WeightDecay, o.InitStd, o.Gamma), Is.EqualTo((100, 10.0, 0.9, 0.0, 0.01, 0.1)));
        Assert.That(o.Milestones, Is.EqualTo(new[] { 60, 80 }));
    }
}
