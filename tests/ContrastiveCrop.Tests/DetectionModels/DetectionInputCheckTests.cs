using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Plugins.Detection;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.DetectionModels;

/// <summary>
/// A detection stage's own files are checked through <see cref="IInputChecks"/> before any work: what the stage's
/// loader would fail on after pretraining is reported at the option to change, and a usable set reports nothing.
/// </summary>
[TestFixture]
public sealed class DetectionInputCheckTests
{
    private string _folder = "";

    [SetUp]
    public void Generate()
    {
        _folder = TestFolders.NewTemp("detection-inputs");
        // Three classes (disc, square, triangle) over 6 training and 3 test images.
        DetectionSetGenerator.Generate(_folder, new DetectionSetGenerator.Settings(6, 3, 48, Seed: 4, Classes: 3));
    }

    private string Devkit => Path.Combine(_folder, "VOCdevkit");
    private string Images => Path.Combine(Devkit, "VOC2007", "JPEGImages");

    private RcnnOptions Voc(params string[] classes) => new()
    {
        Devkit = Devkit, TrainSets = ["2007/trainval"], TestSet = "2007/test", Classes = classes.Length > 0 ? classes : ["disc", "square", "triangle"],
    };

    private RcnnOptions Coco() => new()
    {
        Format = "coco", TrainJson = Path.Combine(_folder, "annotations", "instances_trainval.json"), TrainImages = Images,
        TestJson = Path.Combine(_folder, "annotations", "instances_test.json"), TestImages = Images,
    };

    [Test]
    public void A_usable_voc_devkit_and_coco_set_report_no_problem()
    {
        Assert.That(Voc().CheckInputs(), Is.Empty);
        Assert.That(Coco().CheckInputs(), Is.Empty);
        Assert.That(new RcnnOptions { Format = "generated" }.CheckInputs(), Is.Empty, "a generated set is written by the stage itself");
    }

    [Test]
    public void Every_class_the_annotations_use_but_the_list_lacks_is_named_once_with_a_file_using_it()
    {
        var problems = Voc("disc").CheckInputs().ToList();

        Assert.That(problems.Select(p => p.Key), Is.EqualTo(new[] { "classes" }));
        var message = problems[0].Message;
        Assert.That(message, Does.Contain("2 class(es) not in classes (disc)"));
        Assert.That(message, Does.Contain("'square' in '" + Path.Combine(Devkit, "VOC2007", "Annotations")));
        Assert.That(message, Does.Contain("'triangle' in '"));
    }

    [Test]
    public void Missing_jpegs_are_counted_per_image_set_with_one_example()
    {
        var trainIds = File.ReadAllLines(Path.Combine(Devkit, "VOC2007", "ImageSets", "Main", "trainval.txt")).Where(l => l.Length > 0).ToList();
        File.Delete(Path.Combine(Images, trainIds[1] + ".jpg"));
        File.Delete(Path.Combine(Images, trainIds[4] + ".jpg"));

        var problems = Voc().CheckInputs().ToList();

        Assert.That(problems.Select(p => p.Key), Is.EqualTo(new[] { "train_sets[0]" }));
        Assert.That(problems[0].Message, Is.EqualTo($"2 of the 6 images listed are missing, e.g. '{Path.Combine(Images, trainIds[1] + ".jpg")}'."));
    }

    [Test]
    public void A_set_that_is_not_year_slash_split_and_a_repeated_class_are_refused()
    {
        var problems = (Voc("disc", "square", "disc", "triangle") with { TrainSets = ["2007/trainval", "trainval"] }).CheckInputs().ToList();

        Assert.That(problems.Select(p => p.Key), Is.EquivalentTo(new[] { "classes", "train_sets[1]" }));
        Assert.That(problems.Single(p => p.Key == "classes").Message, Does.StartWith("'disc' listed more than once"));
        Assert.That(problems.Single(p => p.Key == "train_sets[1]").Message, Does.Contain("'trainval' must be year/split"));
    }

    [Test]
    public void A_coco_file_that_is_not_json_and_images_missing_from_the_folder_are_named()
    {
        var broken = Path.Combine(_folder, "broken.json");
        File.WriteAllText(broken, "{\"images\": [");
        var testJson = Path.Combine(_folder, "annotations", "instances_test.json");
        var firstTest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(testJson)).RootElement.GetProperty("images")[0].GetProperty("file_name").GetString()!;
        File.Delete(Path.Combine(Images, firstTest));

        var problems = (Coco() with { TrainJson = broken }).CheckInputs().ToList();

        Assert.That(problems.Select(p => p.Key), Is.EqualTo(new[] { "train_json", "test_images" }));
        Assert.That(problems[0].Message, Does.Contain(broken));
        Assert.That(problems[1].Message, Is.EqualTo($"1 of the 3 images '{testJson}' lists are not in '{Images}', e.g. '{Path.Combine(Images, firstTest)}'."));
    }

    [Test]
    public void An_init_checkpoint_in_the_legacy_torch_format_is_refused_with_how_to_resave_it()
    {
        // torch.save's pre-1.6 stream opens with a protocol-2 pickle of the magic number 0x1950a86a20f9469cfc6c.
        var legacy = Path.Combine(_folder, "old.pth");
        File.WriteAllBytes(legacy, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e, 0x80]);

        var problems = (Voc() with { Init = "checkpoint", Checkpoint = legacy }).CheckInputs().ToList();
        var missing = (Voc() with { Init = "checkpoint", Checkpoint = Path.Combine(_folder, "gone.pth") }).CheckInputs().ToList();

        Assert.That(problems.Select(p => p.Key), Is.EqualTo(new[] { "checkpoint" }));
        Assert.That(problems[0].Message, Does.Contain("legacy (pre-1.6) format").And.Contain("torch.save"));
        Assert.That(missing.Single().Message, Does.Contain(Path.Combine(_folder, "gone.pth")).And.Contain("does not exist"));
    }
}
