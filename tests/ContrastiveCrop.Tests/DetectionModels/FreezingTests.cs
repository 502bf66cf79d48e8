using ContrastiveCrop.Plugins.Detection.Modeling;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.DetectionModels;

[TestFixture]
public sealed class FreezingTests
{
    /// <summary>Every parameter and BatchNorm statistic of <paramref name="model"/>, copied.</summary>
    private static Dictionary<string, Tensor> Snapshot(RcnnC4 model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    /// <summary>Two SGD steps on the toy batch with plain updates of every parameter that has a gradient.</summary>
    private static void TrainTwoSteps(RcnnC4 model)
    {
        var (images, targets) = ToyDetectionBatch.Create();
        model.train();
        for (int step = 0; step < 2; step++)
        {
            foreach (var p in model.parameters()) p.grad?.zero_();
            var losses = model.Losses(images, targets, new Generator(3));
            losses.Values.Aggregate((a, b) => a + b).backward();
            using var noGrad = no_grad();
            foreach (var p in model.parameters())
                if (p.grad is { } g) p.sub_(g.mul(0.1));
        }
    }

    private static IEnumerable<string> Changed(Dictionary<string, Tensor> before, RcnnC4 model) =>
        model.state_dict().Where(kv => !kv.Value.equal(before[kv.Key]).all().item<bool>()).Select(kv => kv.Key);

    [Test]
    public void Freeze_at_2_keeps_the_stem_and_res2_with_their_statistics_while_res3_and_the_heads_train()
    {
        manual_seed(1);
        using var model = new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: false));
        int frozen = model.Freeze(2, frozenNorms: false);
        var before = Snapshot(model);

        TrainTwoSteps(model);

        var changed = Changed(before, model).ToHashSet();
        // ResNet-50: the stem's conv and BN (3 tensors) and res2's three bottlenecks (3 convs + 3 BNs, plus the shortcut's conv + BN in block 0).
        Assert.That(frozen, Is.EqualTo(3 + 3 * 9 + 3));
        var stemAndRes2 = before.Keys.Where(k => k.StartsWith("backbone.conv1.") || k.StartsWith("backbone.bn1.") || k.StartsWith("backbone.layer1.")).ToList();
        Assert.That(stemAndRes2.Where(changed.Contains), Is.Empty, "weights, affine parameters and running statistics of frozen stages stay");
        Assert.That(changed, Does.Contain("backbone.layer2.0.conv1.weight"));
        Assert.That(changed, Does.Contain("backbone.layer2.0.bn1.running_mean"), "unfrozen BatchNorms still use batch statistics");
        Assert.That(changed, Does.Contain("roi_heads.res5.layer4.0.conv1.weight"));
    }

    [Test]
    public void Frozen_bn_keeps_every_ResNet_norm_in_inference_mode_through_train_but_not_the_extra_res5_norm()
    {
        manual_seed(1);
        using var model = new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: false));
        model.Freeze(0, frozenNorms: true);
        var before = Snapshot(model);

        TrainTwoSteps(model);

        var changed = Changed(before, model).ToList();
        var resNetNorms = model.named_modules().Where(m => m.module is BatchNorm2d)
            .Select(m => m.name).Where(n => n.StartsWith("backbone.") || n.StartsWith("roi_heads.res5.layer4.")).ToList();
        Assert.That(resNetNorms, Has.Count.EqualTo(1 + 3 * (3 + 4 + 6 + 3) + 4), "the R50 norms: stem, 3 per bottleneck, 1 per shortcut");
        Assert.That(changed.Where(k => resNetNorms.Any(n => k.StartsWith(n + "."))), Is.Empty);
        Assert.That(changed, Does.Contain("backbone.layer1.0.conv1.weight"), "convolutions still train");
        Assert.That(changed, Does.Contain("roi_heads.res5.norm.running_mean"), "the detection-only norm after res5 is a trained BatchNorm");
        Assert.That(model.named_modules().Where(m => resNetNorms.Contains(m.name)).All(m => !m.module.training), Is.True);
    }
}
