using NUnit.Framework;
using ContrastiveCrop.Plugins.Backbones;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>torchvision's initialisation and the optional zero-init of each block's last batch norm.</summary>
public class ResNetInitializationTests
{
    [SetUp]
    public void Seed() => manual_seed(2);

    [Test]
    public void Convolutions_are_He_normal_with_fan_out()
    {
        using var network = ResNet.ResNet18();
        var weight = network.state_dict()["layer4.0.conv2.weight"]; // 512 × 512 × 3 × 3

        // fan_out = out_channels · kh · kw = 512 · 9 = 4608; gain √2 for ReLU → std = √(2 / 4608) = 0.020833.
        double expected = Math.Sqrt(2.0 / 4608);
        Assert.That(weight.std().item<float>(), Is.EqualTo(expected).Within(1).Percent);
        Assert.That(weight.mean().item<float>(), Is.EqualTo(0).Within(expected / 100));
    }

    [Test]
    public void Batch_norms_start_at_unit_scale_and_zero_shift()
    {
        using var network = ResNet.ResNet50(0.125);
        var norms = network.modules().OfType<BatchNorm2d>().ToList();

        Assert.That(norms, Has.Count.EqualTo(53)); // stem 1 + 16 blocks × 3 + 4 shortcuts
        Assert.That(norms.All(n => n.weight!.eq(1).all().item<bool>() && n.bias!.eq(0).all().item<bool>()), Is.True);
    }

    [TestCase(18, "bn2")]
    [TestCase(50, "bn3")]
    public void Zero_init_residual_zeros_only_the_last_norm_of_each_block(int depth, string lastNorm)
    {
        using var network = new ResNet(new ResNetOptions(depth, 0.125, ZeroInitResidual: true));
        var gammas = network.state_dict().Where(kv => kv.Key.EndsWith(".weight") && kv.Value.ndim == 1).ToList();

        var zeroed = gammas.Where(kv => kv.Value.eq(0).all().item<bool>()).Select(kv => kv.Key).ToList();
        var expected = gammas.Select(kv => kv.Key).Where(k => k.StartsWith("layer") && k.EndsWith($".{lastNorm}.weight")).ToList();

        Assert.That(expected, Has.Count.EqualTo(depth == 18 ? 8 : 16));
        Assert.That(zeroed, Is.EquivalentTo(expected));
    }

    [Test]
    public void Copy_has_equal_but_independent_tensors()
    {
        using var network = ResNet.ResNet18(0.125, smallDataStem: true);
        network.eval();
        using var copy = (ResNet)network.Copy();

        var original = network.state_dict();
        var copied = copy.state_dict();
        Assert.That(copied.Keys, Is.EqualTo(original.Keys));
        Assert.That(original.All(kv => kv.Value.eq(copied[kv.Key]).all().item<bool>()), Is.True, "same values");
        Assert.That(copy.training, Is.False, "same mode");

        using (no_grad()) copied["conv1.weight"].add_(1);
        Assert.That(original["conv1.weight"].eq(copied["conv1.weight"]).all().item<bool>(), Is.False, "separate storage");
        Assert.That(copy.Options, Is.EqualTo(network.Options));
    }
}
