using ContrastiveCrop.Interop;
using ContrastiveCrop.Plugins.Detection;
using ContrastiveCrop.Plugins.Detection.Modeling;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Interop;

[TestFixture]
public sealed class DetectionInitTests
{
    [Test]
    public void A_torchvision_ResNet50_file_initialises_the_C4_trunk_and_res5_head()
    {
        // The fixture is torchvision's resnet50 layout at width 1/16 (the shape of the ImageNet file, smaller).
        using var imported = PretrainedBackbone.Read(InteropFixtures.File("resnet50.safetensors"));
        using var detector = new RcnnC4(new RcnnArchitecture(50, 0.0625, 3, Masks: false));

        var report = BackboneWeights.Load(detector, imported.Tensors, imported.Describe());

        Assert.That(report.Loaded, Has.Count.EqualTo(imported.Tensors.Count), "every backbone tensor has a place in the detector");
        Assert.That(report.Missing, Is.Empty);
        Assert.That(report.Unexpected, Is.Empty);
        var target = detector.state_dict();
        Assert.That(target["backbone.layer3.5.conv3.weight"].eq(imported.Tensors["layer3.5.conv3.weight"]).all().item<bool>(), Is.True);
        Assert.That(target["roi_heads.res5.layer4.2.bn3.running_var"].eq(imported.Tensors["layer4.2.bn3.running_var"]).all().item<bool>(), Is.True);
    }

    [Test]
    public void Init_checkpoint_needs_a_file()
    {
        var errors = new RcnnOptions { Devkit = "voc", Init = "checkpoint" }.Validate().ToList();

        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "checkpoint" }));
        Assert.That(new RcnnOptions { Devkit = "voc", Init = "checkpoint", Checkpoint = "resnet50.pth" }.Validate(), Is.Empty);
    }
}
