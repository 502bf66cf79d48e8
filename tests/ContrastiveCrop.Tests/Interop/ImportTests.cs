using ContrastiveCrop.Interop;
using ContrastiveCrop.Plugins.Backbones;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Interop;

[TestFixture]
public sealed class ImportTests
{
    private static readonly string[] LayoutFixtures =
    [
        "torchvision-resnet18.pth", "moco-v2-resnet18.pth.tar", "simsiam-resnet18-cifar.pth.tar",
        "simclr-resnet18.pth.tar", "byol-resnet18.pth", "resnet50.safetensors",
    ];

    [TestCaseSource(nameof(LayoutFixtures))]
    public void Every_published_layout_loads_and_gives_the_features_PyTorch_recorded(string fixture)
    {
        var expected = InteropFixtures.Reference(fixture);
        using var backbone = InteropFixtures.Backbone(expected);
        using var imported = PretrainedBackbone.Read(InteropFixtures.File(fixture));

        var report = BackboneImporter.Load(backbone, imported, "the test's backbone");

        Assert.That(imported.Root, Is.EqualTo(expected.Root), "the trained encoder's prefix is recognised");
        Assert.That(report.Loaded, Has.Count.EqualTo(backbone.state_dict().Count), "every backbone tensor is loaded");
        Assert.That(report.Missing, Is.Empty);
        Assert.That(report.Unexpected, Is.Empty);
        Assert.That(report.ShapeMismatched, Is.Empty);
        InteropFixtures.AssertClose(InteropFixtures.Features(backbone), expected.Features, fixture);
    }

    [Test]
    public void MoCo_checkpoint_loads_the_query_encoder_and_reports_the_key_encoder_queue_head_and_optimizer_as_not_loaded()
    {
        using var imported = PretrainedBackbone.Read(InteropFixtures.File("moco-v2-resnet18.pth.tar"));

        Assert.That(imported.DroppedHeads, Is.EquivalentTo(new[]
        {
            "state_dict.module.encoder_q.fc.0.bias", "state_dict.module.encoder_q.fc.0.weight",
            "state_dict.module.encoder_q.fc.2.bias", "state_dict.module.encoder_q.fc.2.weight",
        }));
        Assert.That(imported.Ignored, Has.Some.EqualTo("state_dict.module.encoder_k.conv1.weight"));
        Assert.That(imported.Ignored, Has.Some.EqualTo("state_dict.module.queue"));
        Assert.That(imported.Ignored, Has.Some.StartsWith("optimizer.state."), "SGD momentum buffers are not the backbone");
        Assert.That(imported.Ignored.Where(n => n.StartsWith("state_dict.module.encoder_q.", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void BYOL_numbered_children_are_renamed_to_torchvision_names()
    {
        using var imported = PretrainedBackbone.Read(InteropFixtures.File("byol-resnet18.pth"));

        // Sequential(*resnet.children()): 0 conv1, 1 bn1, 4..7 layer1..layer4.
        Assert.That(imported.Tensors.Keys, Does.Contain("conv1.weight").And.Contain("bn1.running_var").And.Contain("layer4.1.conv2.weight"));
        Assert.That(imported.Ignored, Has.Some.StartsWith("target_network_state_dict.encoder."), "the online network wins over the target");
        Assert.That(imported.Ignored, Has.Some.StartsWith("online_network_state_dict.projetion."));
    }

    [Test]
    public void Safetensors_metadata_is_read()
    {
        using var imported = PretrainedBackbone.Read(InteropFixtures.File("resnet50.safetensors"));

        Assert.That(imported.Metadata["source"], Is.EqualTo("make_fixtures.py"));
        Assert.That(imported.Signature.Describe(), Is.EqualTo("ResNet-50 at width 0.0625 (4 stem channels) with the 7×7 ImageNet stem"));
    }

    [Test]
    public void Imported_parameters_keep_requires_grad_and_train_at_once()
    {
        var expected = InteropFixtures.Reference("torchvision-resnet18.pth");
        using var backbone = InteropFixtures.Backbone(expected);
        using (var imported = PretrainedBackbone.Read(InteropFixtures.File("torchvision-resnet18.pth")))
            BackboneImporter.Load(backbone, imported, "the test's backbone");
        backbone.train();
        var before = backbone.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var optimizer = optim.SGD(backbone.parameters(), 0.1);

        using (var scope = NewDisposeScope())
        {
            var loss = backbone.call(InteropFixtures.Input()).pow(2).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        foreach (var (name, parameter) in backbone.named_parameters())
        {
            Assert.That(parameter.requires_grad, Is.True, name);
            Assert.That(parameter.grad, Is.Not.Null, $"{name} received a gradient");
            Assert.That(parameter.detach().eq(before[name]).all().item<bool>(), Is.False, $"{name} changed after one SGD step");
        }
    }

    [Test]
    public void A_file_without_batch_norm_counters_loads_and_reports_them_missing()
    {
        // torchvision's published ImageNet files predate num_batches_tracked.
        var folder = TestFolders.NewTemp("interop");
        var path = Path.Combine(folder, "no-counters.safetensors");
        using (var imported = PretrainedBackbone.Read(InteropFixtures.File("torchvision-resnet18.pth")))
        using (var file = File.Create(path))
            SafetensorsFile.Write(file, imported.Tensors.Where(kv => !kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)), new Dictionary<string, string>());
        var expected = InteropFixtures.Reference("torchvision-resnet18.pth");
        using var backbone = InteropFixtures.Backbone(expected);
        using var again = PretrainedBackbone.Read(path);

        var report = BackboneImporter.Load(backbone, again, "the test's backbone");

        Assert.That(report.Missing, Has.Count.EqualTo(backbone.state_dict().Keys.Count(k => k.EndsWith("num_batches_tracked", StringComparison.Ordinal))));
        Assert.That(report.Missing, Has.All.EndsWith(".num_batches_tracked"));
        InteropFixtures.AssertClose(InteropFixtures.Features(backbone), expected.Features, "without counters");
    }

    [Test]
    public void A_width_mismatch_names_the_tensor_both_shapes_and_the_option_before_copying_anything()
    {
        using var backbone = new ResNet(new ResNetOptions(18, 0.125));
        var before = backbone.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var imported = PretrainedBackbone.Read(InteropFixtures.File("torchvision-resnet18.pth"));

        var error = Assert.Throws<InteropException>(() => BackboneImporter.Load(backbone, imported, "the recipe's pretrain.backbone section"))!;

        Assert.That(error.Message, Does.Contain("tensor 'conv1.weight' is [4, 3, 7, 7] in the file, [8, 3, 7, 7] in the model"));
        Assert.That(error.Message, Does.Contain("Set width_multiplier: 0.0625 in the recipe's pretrain.backbone section."));
        Assert.That(error.Message, Does.Not.Contain("depth:").And.Not.Contain("small_data_stem"));
        foreach (var (name, value) in backbone.state_dict())
            Assert.That(value.eq(before[name]).all().item<bool>(), Is.True, $"{name} is untouched");
    }

    [Test]
    public void A_depth_and_stem_mismatch_names_depth_and_small_data_stem()
    {
        using var backbone = new ResNet(new ResNetOptions(18, 0.0625, SmallDataStem: true));
        using var imported = PretrainedBackbone.Read(InteropFixtures.File("resnet50.safetensors"));

        var error = Assert.Throws<InteropException>(() => BackboneImporter.Load(backbone, imported, "the backbone section"))!;

        Assert.That(error.Message, Does.Contain("The file is ResNet-50 at width 0.0625 (4 stem channels) with the 7×7 ImageNet stem"));
        Assert.That(error.Message, Does.Contain("the model is ResNet-18 at width 0.0625 (4 stem channels) with the 3×3 small-data stem"));
        Assert.That(error.Message, Does.Contain("Set depth: 50, small_data_stem: false in the backbone section."));
    }
}
