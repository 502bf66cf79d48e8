using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Evaluation;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Evaluation;

/// <summary>Evaluations feed the backbone images normalised the way the run says, not a fixed convention.</summary>
[TestFixture]
public sealed class FeatureNormalizationTests
{
    /// <summary>A "backbone" whose feature is the per-channel mean of its input, so features show the normalisation.</summary>
    private sealed class ChannelMean() : nn.Module<Tensor, Tensor>("channel_mean")
    {
        public override Tensor forward(Tensor input) => input.mean([2, 3]);
    }

    private sealed class MeanBackbone : IBackbone
    {
        public nn.Module<Tensor, Tensor> Network { get; } = new ChannelMean();
        public int FeatureDim => 3;
        public Tensor FeatureMap(Tensor images) => images;
        public Tensor Pool(Tensor featureMap) => featureMap.mean([2, 3]);
        public IBackbone Copy() => new MeanBackbone();
    }

    [Test]
    public void Extracted_features_see_pixels_normalised_with_the_given_statistics()
    {
        // One constant image: R = 51, G = 102, B = 204, i.e. 0.2, 0.4, 0.8 of full scale.
        var pixels = new byte[4 * 4 * 3];
        for (int p = 0; p < 16; p++) (pixels[3 * p], pixels[3 * p + 1], pixels[3 * p + 2]) = (51, 102, 204);
        using var data = new InMemoryDataset("constant", [new LabeledImage(new RgbImage(4, 4, pixels), 0)], ["a"]);
        var normalization = new Normalization([0.5f, 0.5f, 0.5f], [0.25f, 0.5f, 0.1f]);

        var (features, labels) = FeatureExtractor.Extract(new MeanBackbone(), data, 4, 8, normalization, CPU);

        // (0.2 − 0.5) / 0.25 = −1.2; (0.4 − 0.5) / 0.5 = −0.2; (0.8 − 0.5) / 0.1 = 3.
        Assert.That(features.data<float>().ToArray(), Is.EqualTo(new[] { -1.2f, -0.2f, 3f }).Within(1e-5f));
        Assert.That(labels.data<long>().ToArray(), Is.EqualTo(new[] { 0L }));
    }
}
