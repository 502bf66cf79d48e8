using NUnit.Framework;
using ContrastiveCrop.Plugins.Backbones;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>The backbone's state_dict is torchvision's minus <c>fc.*</c>, so weights map one to one.</summary>
public class ResNetLayoutTests
{
    [TestCase(18, "torchvision-resnet18-state-dict.txt")]
    [TestCase(50, "torchvision-resnet50-state-dict.txt")]
    public void State_dict_keys_and_shapes_match_torchvision_without_fc(int depth, string fixture)
    {
        using var network = new ResNet(new ResNetOptions(depth));
        var expected = TorchvisionLayout.Read(fixture);

        var actual = network.state_dict();

        Assert.That(actual.Keys, Is.EquivalentTo(expected.Select(e => e.Key)));
        foreach (var (key, shape) in expected)
            Assert.That(actual[key].shape, Is.EqualTo(shape), key);
    }

    // TorchSharp's state_dict lists all parameters before all buffers (PyTorch interleaves them per
    // module), so the order that carries over is that of parameters and of buffers separately.
    [TestCase(18, "torchvision-resnet18-state-dict.txt")]
    [TestCase(50, "torchvision-resnet50-state-dict.txt")]
    public void Parameters_and_buffers_come_in_torchvision_order(int depth, string fixture)
    {
        using var network = new ResNet(new ResNetOptions(depth));
        var expected = TorchvisionLayout.Read(fixture).Select(e => e.Key).ToList();
        static bool IsBuffer(string key) =>
            key.EndsWith(".running_mean") || key.EndsWith(".running_var") || key.EndsWith(".num_batches_tracked");

        Assert.That(network.named_parameters().Select(p => p.name), Is.EqualTo(expected.Where(k => !IsBuffer(k))));
        Assert.That(network.named_buffers().Select(b => b.name), Is.EqualTo(expected.Where(IsBuffer)));
    }

    [TestCase(18, 11_176_512L)]
    [TestCase(34, 21_284_672L)]
    [TestCase(50, 23_508_032L)]
    public void Parameter_count_at_width_one_matches_torchvision_without_fc(int depth, long expected)
    {
        using var network = new ResNet(new ResNetOptions(depth));

        Assert.That(network.parameters().Sum(p => p.numel()), Is.EqualTo(expected));
    }

    [TestCase(18, 512)]
    [TestCase(34, 512)]
    [TestCase(50, 2048)]
    public void Feature_dim_is_layer4_width_at_width_one(int depth, int expected)
    {
        using var network = new ResNet(new ResNetOptions(depth));

        Assert.That(network.FeatureDim, Is.EqualTo(expected));
    }

    [Test]
    public void Small_data_stem_changes_only_conv1_shape()
    {
        using var imagenet = ResNet.ResNet18();
        using var small = ResNet.ResNet18(smallDataStem: true);

        var a = imagenet.state_dict();
        var b = small.state_dict();

        Assert.That(b.Keys, Is.EqualTo(a.Keys));
        Assert.That(b["conv1.weight"].shape, Is.EqualTo(new long[] { 64, 3, 3, 3 }));
        Assert.That(a.Keys.Where(k => k != "conv1.weight").Where(k => !a[k].shape.SequenceEqual(b[k].shape)), Is.Empty);
    }
}
