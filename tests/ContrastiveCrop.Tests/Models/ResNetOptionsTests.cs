using NUnit.Framework;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Backbones;

namespace ContrastiveCrop.Tests.Models;

/// <summary>Validation keys are the recipe's snake_case keys; the base width rounds and never reaches 0.</summary>
public class ResNetOptionsTests
{
    [Test]
    public void Defaults_are_valid() =>
        Assert.That(((IValidatableOptions)new ResNetOptions()).Validate(), Is.Empty);

    [TestCase(101)]
    [TestCase(0)]
    public void Unsupported_depth_is_reported_under_depth(int depth) =>
        Assert.That(new ResNetOptions(Depth: depth).Validate().Select(e => e.Key), Is.EqualTo(new[] { "depth" }));

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Non_positive_or_non_finite_width_is_reported_under_width_multiplier(double width) =>
        Assert.That(new ResNetOptions(WidthMultiplier: width).Validate().Select(e => e.Key), Is.EqualTo(new[] { "width_multiplier" }));

    [TestCase(1.0, 64)]
    [TestCase(0.125, 8)]
    [TestCase(0.5, 32)]
    [TestCase(2.0, 128)]
    [TestCase(0.0078125, 1)] // 64 · w = 0.5 rounds up
    [TestCase(0.001, 1)]     // 64 · w = 0.064 would round to 0: kept at 1
    public void Base_width_is_64_times_width_rounded_and_at_least_one(double width, int expected) =>
        Assert.That(new ResNetOptions(WidthMultiplier: width).BaseWidth, Is.EqualTo(expected));

    [Test]
    public void Constructor_rejects_invalid_options() =>
        Assert.That(() => new ResNet(new ResNetOptions(Depth: 152)), Throws.ArgumentException.With.Message.Contains("depth"));

    [Test]
    public void Tiny_width_builds_a_one_channel_stem()
    {
        using var network = new ResNet(new ResNetOptions(WidthMultiplier: 0.001));
        Assert.That(network.state_dict()["conv1.weight"].shape[0], Is.EqualTo(1));
        Assert.That(network.FeatureDim, Is.EqualTo(8));
    }
}
