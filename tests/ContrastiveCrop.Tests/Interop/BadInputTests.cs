using ContrastiveCrop.Interop;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Interop;

[TestFixture]
public sealed class BadInputTests
{
    private static string NotACheckpoint()
    {
        var path = Path.Combine(TestFolders.NewTemp("interop"), "notes.pth");
        File.WriteAllText(path, "these are my notes, not weights\n");
        return path;
    }

    [Test]
    public void Formats_are_recognised_from_their_first_bytes_not_their_extension()
    {
        Assert.That(CheckpointSniffer.Sniff(InteropFixtures.File("moco-v2-resnet18.pth.tar")), Is.EqualTo(CheckpointFormat.TorchZip));
        Assert.That(CheckpointSniffer.Sniff(InteropFixtures.File("resnet50.safetensors")), Is.EqualTo(CheckpointFormat.Safetensors));
        Assert.That(CheckpointSniffer.Sniff(InteropFixtures.File("legacy-format.pth")), Is.EqualTo(CheckpointFormat.TorchLegacy));
        Assert.That(CheckpointSniffer.Sniff(NotACheckpoint()), Is.EqualTo(CheckpointFormat.Unknown));
        Assert.That(CheckpointSniffer.Sniff("CCROPCK1........"u8, 1000), Is.EqualTo(CheckpointFormat.ContrastiveCrop));
        // Python's pickle.dumps({}, protocol=2) is b'\x80\x02}q\x00.'.
        Assert.That(CheckpointSniffer.Sniff([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e], 6), Is.EqualTo(CheckpointFormat.Pickle));
    }

    [TestCase("legacy-format.pth", "legacy (pre-1.6) format", "re-save it with torch.save(obj, path) from PyTorch ≥ 1.6 (zip format)")]
    [TestCase("truncated.pth", "damaged or truncated zip file", "copy or download it again")]
    [TestCase("mobilenet-v3-small.pth", "holds no torchvision-layout ResNet", "it is another architecture")]
    [TestCase("whole-module.pth", "holds a whole pickled nn.Module", "torch.save(model.state_dict(), path)")]
    [TestCase("numpy-scalar.pth", "holds Python objects this reader cannot rebuild (numpy.dtype)", "save only the tensors")]
    [TestCase("storage-view.pth", "a view into a larger storage", "v.clone()")]
    public void Unusable_files_fail_with_one_message_naming_the_file_and_what_to_do(string fixture, string what, string todo)
    {
        var path = InteropFixtures.File(fixture);

        var error = Assert.Throws<InteropException>(() => PretrainedBackbone.Read(path))!;

        Assert.That(error.Message, Does.Contain($"'{path}'").And.Contain(what).And.Contain(todo));
    }

    [Test]
    public void A_file_that_is_not_a_checkpoint_is_named_as_such()
    {
        var path = NotACheckpoint();

        var error = Assert.Throws<InteropException>(() => PretrainedBackbone.Read(path))!;

        Assert.That(error.Message, Is.EqualTo($"'{path}' is not a checkpoint: expected a ccrop checkpoint (.pt), a PyTorch torch.save file (zip format) or a safetensors file."));
    }

    [Test]
    public void A_truncated_safetensors_file_is_reported_before_any_tensor_is_built()
    {
        var folder = TestFolders.NewTemp("interop");
        var path = Path.Combine(folder, "cut.safetensors");
        var content = File.ReadAllBytes(InteropFixtures.File("resnet50.safetensors"));
        File.WriteAllBytes(path, content[..(content.Length - 100)]);

        var error = Assert.Throws<InteropException>(() => PretrainedBackbone.Read(path))!;

        Assert.That(error.Message, Does.Contain($"'{path}' is not a usable safetensors file").And.Contain("truncated?"));
    }

    [TestCase("notes")]
    [TestCase("truncated.pth")]
    [TestCase("mobilenet-v3-small.pth")]
    [TestCase("legacy-format.pth")]
    public void Export_of_a_bad_file_exits_2_with_one_line(string fixture)
    {
        var path = fixture == "notes" ? NotACheckpoint() : InteropFixtures.File(fixture);
        var output = Path.Combine(TestFolders.NewTemp("interop"), "out.pth");

        var outcome = Ccrop.Invoke("export", path, "--format", "torchvision", "--out", output);

        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.Error);
        Assert.That(outcome.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), outcome.Error);
        Assert.That(outcome.Error, Does.StartWith("error: ").And.Contain(path));
        Assert.That(File.Exists(output), Is.False, "nothing is written");
    }

    [TestCase("truncated.pth", "damaged or truncated zip file")]
    [TestCase("mobilenet-v3-small.pth", "it is another architecture")]
    [TestCase("resnet50.safetensors", "set depth: 50, small_data_stem: false in pretrain.backbone.")]
    public void Eval_checkpoint_of_a_bad_file_exits_2_with_one_line_before_a_run_folder_exists(string fixture, string message)
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text());

        var outcome = recipe.Invoke("eval", "checkpoint", InteropFixtures.File(fixture), "--recipe", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.Error);
        Assert.That(outcome.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), outcome.Error);
        Assert.That(outcome.Error, Does.StartWith("error: ").And.Contain($"from_checkpoint: '{InteropFixtures.File(fixture)}'").And.Contain(message));
        Assert.That(Directory.Exists(recipe.Runs), Is.False, "the file is checked from its headers before the run folder is made");
    }

    [Test]
    public void Eval_checkpoint_of_a_PyTorch_file_without_a_recipe_asks_for_one()
    {
        var outcome = Ccrop.Invoke("eval", "checkpoint", InteropFixtures.File("torchvision-resnet18.pth"));

        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.Error);
        Assert.That(outcome.Error, Does.Contain("is not a ccrop run's checkpoint (torch.save zip): give --recipe"));
    }
}
