using ContrastiveCrop.Plugins.Detection.Modeling;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.DetectionModels;

[TestFixture]
public sealed class ConvNormRescalingTests
{
    /// <summary>conv → BN → ReLU → conv → BN, the first convolution grown 4× as pretraining grows a stem.</summary>
    private static nn.Module<Tensor, Tensor> Grown()
    {
        manual_seed(5);
        var net = nn.Sequential(
            ("conv1", nn.Conv2d(3, 8, 3, padding: 1, bias: false)), ("bn1", nn.BatchNorm2d(8)), ("relu", nn.ReLU()),
            ("conv2", nn.Conv2d(8, 4, 3, padding: 1, bias: false)), ("bn2", nn.BatchNorm2d(4)));
        using (no_grad())
        {
            foreach (var p in net.parameters()) if (p.dim() == 4) p.mul_(4);
            net.train();
            // Non-trivial running statistics, as after pretraining.
            for (int i = 0; i < 5; i++) net.call(randn(6, 3, 10, 10)).Dispose();
        }
        return net;
    }

    [Test]
    public void Rescaled_convolutions_get_He_norms_and_the_network_computes_the_same_function_in_both_modes()
    {
        var net = Grown();
        var input = randn(6, 3, 10, 10, generator: new Generator(11));
        net.eval();
        var evalBefore = net.call(input).detach();
        net.train();
        var trainBefore = net.call(input).detach();
        // The train-mode call above moved the running statistics; redo it after rescaling from the same state.
        var again = Grown();
        again.eval();
        Assert.That(again.call(input).allclose(evalBefore), Is.True);

        var factors = ConvNormRescaling.Apply(again);

        Assert.That(factors.Select(f => f.Name), Is.EqualTo(new[] { "conv1", "conv2" }));
        foreach (var (name, conv) in new[] { ("conv1", (3L, 8L)), ("conv2", (8L, 4L)) })
        {
            var weight = again.named_parameters().Single(p => p.name == $"{name}.weight").parameter;
            // He, fan_out, ReLU: variance 2 / (out · 3 · 3) per weight, so ‖w‖² = in · out · 9 · 2 / (out · 9) = 2 · in.
            Assert.That(weight.norm().item<float>(), Is.EqualTo(Math.Sqrt(2.0 * conv.Item1)).Within(1e-4), name);
        }
        Assert.That(factors[0].Factor, Is.LessThan(0.5), "the grown convolution shrinks");
        again.eval();
        Assert.That(again.call(input).allclose(evalBefore, rtol: 1e-3, atol: 1e-3), Is.True, "eval mode: running statistics scaled alike");
        again.train();
        Assert.That(again.call(input).allclose(trainBefore, rtol: 1e-3, atol: 1e-3), Is.True, "train mode: BatchNorm divides the scale out");
    }
}
