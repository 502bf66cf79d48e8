using System.Text.Json;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Interop;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Interop;

[TestFixture]
public sealed class ExportTests
{
    private TinyRecipe _recipe = null!;
    private string _run = null!;

    /// <summary>One tiny pretraining run (SimCLR, ResNet-18 at width 1/16 with the small-data stem, 2 epochs) exported by every test.</summary>
    [OneTimeSetUp]
    public void TrainOnce()
    {
        _recipe = new TinyRecipe();
        var outcome = _recipe.Invoke("run", _recipe.Write(TinyRecipe.Text()));
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        _run = Directory.GetDirectories(_recipe.Runs).Single();
    }

    private string Export(string format, string extension)
    {
        var output = Path.Combine(TestFolders.NewTemp("export"), $"backbone.{extension}");
        var outcome = Ccrop.Invoke("export", _run, "--format", format, "--out", output);
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        return output;
    }

    private Dictionary<string, Tensor> RunBackbone()
    {
        var (_, tensors) = CheckpointFile.Load(Path.Combine(_run, "checkpoints", "last.pt"));
        return tensors.Where(kv => kv.Key.StartsWith("model/backbone.", StringComparison.Ordinal))
                      .ToDictionary(kv => kv.Key["model/backbone.".Length..], kv => kv.Value);
    }

    [TestCase("torchvision", "pth")]
    [TestCase("detectron2", "pth")]
    [TestCase("safetensors", "safetensors")]
    public void Export_then_import_gives_the_run_backbone_bit_for_bit(string format, string extension)
    {
        var path = Export(format, extension);
        var original = RunBackbone();

        using var imported = PretrainedBackbone.Read(path);

        Assert.That(imported.Tensors.Keys, Is.EquivalentTo(original.Keys));
        foreach (var (name, tensor) in original)
        {
            Assert.That(imported.Tensors[name].shape, Is.EqualTo(tensor.shape), name);
            Assert.That(imported.Tensors[name].eq(tensor).all().item<bool>(), Is.True, name);
        }
    }

    [TestCase("torchvision", "pth")]
    [TestCase("detectron2", "pth")]
    [TestCase("safetensors", "safetensors")]
    public void PyTorch_loads_the_export_strictly_and_computes_the_same_features(string format, string extension)
    {
        var python = InteropFixtures.TorchPython();
        var path = Export(format, extension);
        var script = Path.Combine(InteropFixtures.ToolsFolder(), "check_export.py");

        var (code, output, error) = InteropFixtures.Run(python, $"\"{script}\" {format} \"{path}\" 18 0.0625 1");

        Assert.That(code, Is.EqualTo(0), error);
        using var report = JsonDocument.Parse(output);
        var root = report.RootElement;
        var expected = new InteropFixtures.Expected(18, 0.0625, true, "", [], []);
        using var backbone = InteropFixtures.Backbone(expected);
        using (var imported = PretrainedBackbone.Read(path)) BackboneImporter.Load(backbone, imported, "test");
        var pytorch = root.GetProperty("features").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        InteropFixtures.AssertClose(InteropFixtures.Features(backbone), pytorch, $"{format} export in PyTorch");

        if (format == "torchvision")
        {
            Assert.That(root.GetProperty("missing").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "fc.bias", "fc.weight" }),
                "torchvision's resnet18 misses only fc");
            Assert.That(root.GetProperty("unexpected").GetArrayLength(), Is.Zero);
        }
        if (format == "detectron2")
        {
            Assert.That(root.GetProperty("missing").GetArrayLength(), Is.Zero, "every name convert-torchvision-to-d2.py would produce is there");
            Assert.That(root.GetProperty("unexpected").GetArrayLength(), Is.Zero);
        }
        var metadata = format == "torchvision"
            ? JsonDocument.Parse(File.ReadAllText(path + ".provenance.json")).RootElement
            : root.GetProperty("metadata");
        Assert.That(metadata.GetProperty("ccrop.method").GetString(), Is.EqualTo("simclr"));
        Assert.That(metadata.GetProperty("ccrop.sampler").GetString(), Is.EqualTo("random-resized-crop"));
        Assert.That(metadata.GetProperty("ccrop.epochs").GetString(), Is.EqualTo("2"));
        Assert.That(metadata.GetProperty("ccrop.recipe").GetString(), Is.EqualTo(Path.Combine(_recipe.Folder, "recipe.yaml")));
    }

    [TestCase("safetensors", "safetensors")]
    [TestCase("torchvision", "pth")]
    public void An_exported_backbone_evaluates_exactly_like_the_run_it_came_from(string format, string extension)
    {
        var path = Export(format, extension);

        var outcome = _recipe.Invoke("eval", "checkpoint", path, "--recipe", Path.Combine(_run, "recipe.yaml"));

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var evalRun = Directory.GetDirectories(_recipe.Runs).OrderBy(Directory.GetCreationTimeUtc).Last();
        string Knn(string folder) => File.ReadAllLines(Path.Combine(folder, "results.md")).Single(l => l.StartsWith("| knn | top1", StringComparison.Ordinal));
        Assert.That(Knn(evalRun), Is.EqualTo(Knn(_run)));
        Assert.That(File.ReadAllText(Path.Combine(evalRun, "run.log")), Does.Contain("Imported the backbone of").And.Contain("missing 0, unexpected 0"));
    }

    [Test]
    public void A_detectron2_export_to_pkl_is_refused_because_detectron2_reads_pkl_with_plain_pickle()
    {
        var output = Path.Combine(TestFolders.NewTemp("export"), "r18.pkl");

        var outcome = Ccrop.Invoke("export", _run, "--format", "detectron2", "--out", output);

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("write a .pth"));
        Assert.That(File.Exists(output), Is.False);
    }

    [TestCase("conv1.weight", "stem.conv1.weight")]
    [TestCase("bn1.running_mean", "stem.conv1.norm.running_mean")]
    [TestCase("layer1.0.bn2.weight", "res2.0.conv2.norm.weight")]
    [TestCase("layer2.0.downsample.0.weight", "res3.0.shortcut.weight")]
    [TestCase("layer2.0.downsample.1.running_var", "res3.0.shortcut.norm.running_var")]
    [TestCase("layer4.2.conv3.weight", "res5.2.conv3.weight")]
    [TestCase("layer3.5.bn3.num_batches_tracked", "res4.5.conv3.norm.num_batches_tracked")]
    public void Detectron2_names_follow_its_torchvision_conversion(string torchvision, string detectron2)
    {
        Assert.That(Detectron2Names.Of(torchvision), Is.EqualTo(detectron2));
    }
}
