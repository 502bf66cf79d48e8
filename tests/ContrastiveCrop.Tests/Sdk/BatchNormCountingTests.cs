using ContrastiveCrop.Sdk.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Sdk;

/// <summary>
/// BatchNorm layers hooked by <see cref="BatchNormCounting"/> count their training batches themselves, with Scalars
/// that live through the native call: under a GC running all the time on another thread they neither crash nor
/// miscount, and they normalise and keep running statistics exactly as PyTorch's BatchNorm does.
/// </summary>
[TestFixture]
public sealed class BatchNormCountingTests
{
    [Test]
    public void A_hooked_BatchNorm_counts_training_batches_only_and_keeps_PyTorchs_running_statistics()
    {
        var hooked = nn.BatchNorm2d(3);
        var plain = nn.BatchNorm2d(3);
        var counter = hooked.num_batches_tracked!;
        Assert.That(BatchNormCounting.Apply(nn.Sequential(hooked)), Is.EqualTo(1));
        var batches = Enumerable.Range(0, 3).Select(b => randn(4, 3, 2, 2, generator: new Generator((ulong)b + 7)).mul(b + 1).add(b)).ToList();

        hooked.train();
        plain.train();
        foreach (var x in batches)
            Assert.That(hooked.call(x).allclose(plain.call(x), rtol: 1e-6, atol: 1e-6), Is.True, "the output is BatchNorm's");
        hooked.eval();
        hooked.call(batches[0]);

        // PyTorch's rule with momentum 0.1: mean ← 0.9·mean + 0.1·batch mean, var ← 0.9·var + 0.1·unbiased batch var, from 0 and 1.
        var mean = zeros(3);
        var variance = ones(3);
        foreach (var x in batches)
        {
            mean = mean * 0.9 + x.mean([0, 2, 3]) * 0.1;
            variance = variance * 0.9 + x.var([0, 2, 3], unbiased: true) * 0.1;
        }
        Assert.Multiple(() =>
        {
            Assert.That(hooked.running_mean!.allclose(mean, rtol: 1e-5, atol: 1e-6), Is.True);
            Assert.That(hooked.running_var!.allclose(variance, rtol: 1e-5, atol: 1e-6), Is.True);
            Assert.That(hooked.num_batches_tracked!.dtype, Is.EqualTo(ScalarType.Int64));
            Assert.That(hooked.num_batches_tracked!.item<long>(), Is.EqualTo(3), "three training batches; the eval forward does not count");
            Assert.That(hooked.num_batches_tracked!.Handle, Is.EqualTo(counter.Handle), "the buffer is the same tensor");
            Assert.That(hooked.state_dict()["num_batches_tracked"].item<long>(), Is.EqualTo(3));
        });
    }

    [Test]
    public void Hooked_BatchNorms_count_every_batch_while_a_GC_runs_during_their_native_calls()
    {
        // Unhooked, TorchSharp's own add_(1) fails here within a few thousand calls ("For integral input tensors,
        // argument alpha must not be a floating point number", "Unknown scalar type", "Expected false to be true").
        const int Forwards = 30_000;
        var norm2d = nn.BatchNorm2d(2);
        var norm1d = nn.BatchNorm1d(2);
        var layers = nn.Sequential(norm2d, norm1d);
        Assert.That(BatchNormCounting.Apply(layers), Is.EqualTo(2));
        layers.train();
        using var image = randn(2, 2, 1, 1);
        using var vector = randn(2, 2);

        using (var pressure = new GcPressure())
        {
            for (int i = 0; i < Forwards; i++)
            {
                using var a = norm2d.call(image);
                using var b = norm1d.call(vector);
            }
        }

        Assert.That(norm2d.num_batches_tracked!.item<long>(), Is.EqualTo(Forwards));
        Assert.That(norm1d.num_batches_tracked!.item<long>(), Is.EqualTo(Forwards));
    }

    [Test]
    public void A_layer_hooked_twice_still_counts_each_batch_once()
    {
        var norm = nn.BatchNorm1d(2);
        BatchNormCounting.Apply(norm);
        BatchNormCounting.Apply(norm);
        norm.train();
        for (int i = 0; i < 5; i++) norm.call(randn(3, 2));
        Assert.That(norm.num_batches_tracked!.item<long>(), Is.EqualTo(5));
    }

    [Test]
    public void A_forward_that_throws_leaves_the_counter_in_place()
    {
        var norm = nn.BatchNorm2d(2);
        BatchNormCounting.Apply(norm);
        norm.train();
        Assert.That(() => norm.call(randn(2, 5, 3, 3)), Throws.Exception, "5 channels into a 2-channel norm");
        norm.call(randn(2, 2, 3, 3));
        // The failed forward counted before it threw, as TorchSharp's own count does; the next one finds the counter again.
        Assert.That(norm.num_batches_tracked!.item<long>(), Is.EqualTo(2));
        Assert.That(norm.state_dict()["num_batches_tracked"].item<long>(), Is.EqualTo(2));
    }
}
