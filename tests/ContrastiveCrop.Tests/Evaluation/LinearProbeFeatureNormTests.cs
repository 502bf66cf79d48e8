using ContrastiveCrop.Plugins.Evaluation;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Evaluation;

/// <summary>The linear probe's feature normalisation: standardisation with training statistics and affine-free BatchNorm.</summary>
[TestFixture]
public sealed class LinearProbeFeatureNormTests
{
    [Test]
    public void Standardize_uses_the_training_mean_and_variance_for_every_split()
    {
        // Training column 0: 1, 3 (mean 2, population variance 1); column 1: 10, 30 (mean 20, variance 100).
        using var train = tensor(new float[] { 1, 10, 3, 30 }, [2, 2]);
        using var test = tensor(new float[] { 4, 0, 2, 20 }, [2, 2]);
        using var norm = FeatureNormalization.Create(FeatureNormalization.Standardize, 2, () => train, CPU);

        using var trainOut = norm.Apply(train, training: true);
        using var testOut = norm.Apply(test, training: false);

        double s0 = 1 / Math.Sqrt(1 + FeatureNormalization.Epsilon), s1 = 1 / Math.Sqrt(100 + FeatureNormalization.Epsilon);
        Assert.That(trainOut.data<float>().ToArray(), Is.EqualTo(new[] { -s0, -10 * s1, s0, 10 * s1 }).Within(1e-6));
        // Test rows use the training statistics, not their own: (4 − 2)·s0, (0 − 20)·s1, 0, 0.
        Assert.That(testOut.data<float>().ToArray(), Is.EqualTo(new[] { 2 * s0, -20 * s1, 0, 0 }).Within(1e-6));
    }

    [Test]
    public void Standardized_probes_see_the_same_features_whatever_the_backbones_scale()
    {
        // The reason for the option: a backbone whose features are 1000× larger needs no other learning rate.
        var generator = new TorchSharp.torch.Generator(3);
        using var features = randn([64, 5], generator: generator) * 3 + 7;
        using var scaled = features * 1000;
        using var a = FeatureNormalization.Create(FeatureNormalization.Standardize, 5, () => features, CPU);
        using var b = FeatureNormalization.Create(FeatureNormalization.Standardize, 5, () => scaled, CPU);
        using var outA = a.Apply(features, training: false);
        using var outB = b.Apply(scaled, training: false);
        Assert.That(outB.data<float>().ToArray(), Is.EqualTo(outA.data<float>().ToArray()).Within(1e-4));
    }

    [Test]
    public void Batch_norm_normalises_by_the_batch_while_training_and_by_running_estimates_when_classifying()
    {
        // One column: batch 2, 4, 6 → batch mean 4, population variance 8/3; unbiased variance 4 for the running estimate.
        using var batch = tensor(new float[] { 2, 4, 6 }, [3, 1]);
        using var norm = FeatureNormalization.Create(FeatureNormalization.BatchNorm, 1, () => throw new InvalidOperationException("not needed"), CPU);

        using var trained = norm.Apply(batch, training: true);
        using var classified = norm.Apply(tensor(new float[] { 4 }, [1, 1]), training: false);

        double s = 1 / Math.Sqrt(8.0 / 3 + FeatureNormalization.Epsilon);
        Assert.That(trained.data<float>().ToArray(), Is.EqualTo(new[] { -2 * s, 0, 2 * s }).Within(1e-5));
        // Running estimates after one step with momentum 0.1: mean 0.9·0 + 0.1·4 = 0.4, variance 0.9·1 + 0.1·4 = 1.3.
        Assert.That(classified.data<float>()[0], Is.EqualTo((4 - 0.4) / Math.Sqrt(1.3 + FeatureNormalization.Epsilon)).Within(1e-5));
    }

    [Test]
    public void None_passes_features_through()
    {
        using var x = tensor(new float[] { 1, -2 }, [1, 2]);
        using var norm = FeatureNormalization.Create(FeatureNormalization.None, 2, () => x, CPU);
        Assert.That(norm.Apply(x, training: true).data<float>().ToArray(), Is.EqualTo(new float[] { 1, -2 }));
    }
}
