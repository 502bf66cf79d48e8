using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace MyBackbone.Tests;

[TestFixture]
public sealed class MyBackboneTests
{
    [SetUp]
    public void Seed() => torch.manual_seed(0);

    [Test]
    public void The_network_output_is_the_pooled_feature_map()
    {
        var backbone = new MyBackbone(new MyBackboneOptions { Width = 4 });
        backbone.Network.eval();
        var images = rand(3, 3, 12, 12);
        var map = backbone.FeatureMap(images);
        Assert.That(map.shape, Is.EqualTo(new long[] { 3, 8, 6, 6 }), "stride 2 halves 12×12");
        Assert.That(backbone.Network.call(images).allclose(backbone.Pool(map), rtol: 1e-5, atol: 1e-6), Is.True);
        Assert.That(backbone.Pool(map).shape[1], Is.EqualTo(backbone.FeatureDim));
    }

    [Test]
    public void A_copy_computes_the_same_features_but_owns_its_parameters()
    {
        var backbone = new MyBackbone(new MyBackboneOptions { Width = 4 });
        backbone.Network.eval();
        var copy = backbone.Copy();
        var images = rand(2, 3, 8, 8);
        Assert.That(copy.Network.training, Is.False, "the copy keeps the train/eval mode");
        Assert.That(copy.Network.call(images).allclose(backbone.Network.call(images)), Is.True);

        using (no_grad())
            foreach (var parameter in copy.Network.parameters()) parameter.add_(1.0);
        Assert.That(copy.Network.call(images).allclose(backbone.Network.call(images)), Is.False, "changing the copy leaves the original alone");
    }

    [Test]
    public void A_non_positive_width_is_reported_under_its_recipe_key()
    {
        Assert.That(new MyBackboneOptions { Width = 0 }.Validate().Select(e => e.Key), Is.EqualTo(new[] { "width" }));
        Assert.That(new MyBackboneOptions { Width = 1 }.Validate(), Is.Empty);
    }
}
