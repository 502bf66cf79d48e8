using NUnit.Framework;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Backbones;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>Shapes of the feature map and the pooled feature for both stems.</summary>
public class ResNetForwardTests
{
    [SetUp]
    public void Seed() => manual_seed(1);

    // Width 0.125: base width 8, so layer4 has 64 channels (basic) or 256 (bottleneck).
    [TestCase(18, false, 64, 64, 2)]  // ImageNet stem: stride 32 overall
    [TestCase(50, false, 64, 256, 2)]
    [TestCase(18, true, 32, 64, 4)]   // small-data stem: stride 8 overall
    [TestCase(50, true, 32, 256, 4)]
    [TestCase(34, true, 16, 64, 2)]
    public void Feature_map_is_layer4_output_and_pool_flattens_it(int depth, bool smallStem, int imageSize, int channels, int side)
    {
        using var scope = NewDisposeScope();
        using var network = new ResNet(new ResNetOptions(depth, WidthMultiplier: 0.125, SmallDataStem: smallStem));
        IBackbone backbone = network;
        var images = randn(2, 3, imageSize, imageSize);

        var map = backbone.FeatureMap(images);
        var pooled = backbone.Pool(map);
        var forward = backbone.Network.call(images);

        Assert.That(map.shape, Is.EqualTo(new long[] { 2, channels, side, side }));
        Assert.That(backbone.FeatureDim, Is.EqualTo(channels));
        Assert.That(pooled.shape, Is.EqualTo(new long[] { 2, channels }));
        Assert.That(forward.shape, Is.EqualTo(new long[] { 2, channels }));
    }

    [Test]
    public void Forward_equals_pool_of_feature_map()
    {
        using var scope = NewDisposeScope();
        using var network = ResNet.ResNet18(0.125, smallDataStem: true);
        network.eval(); // running statistics, so both passes see the same normalisation
        var images = randn(3, 3, 16, 16);

        var viaParts = network.Pool(network.FeatureMap(images));
        var direct = network.call(images);

        Assert.That(direct.allclose(viaParts), Is.True);
        Assert.That(viaParts.allclose(network.FeatureMap(images).mean([2, 3])), Is.True, "pooling is the spatial mean");
    }

    [Test]
    public void Gradients_reach_the_stem()
    {
        using var scope = NewDisposeScope();
        using var network = ResNet.ResNet50(0.125, smallDataStem: true);

        network.call(randn(2, 3, 16, 16)).square().sum().backward();

        Assert.That(network.parameters().All(p => p.grad is not null), Is.True);
    }
}
