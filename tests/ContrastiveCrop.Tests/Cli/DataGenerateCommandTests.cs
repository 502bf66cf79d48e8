using ContrastiveCrop.Data;
using ContrastiveCrop.Plugins.Detection.Data;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>ccrop data generate objects-on-clutter and detection.</summary>
[TestFixture]
public sealed class DataGenerateCommandTests
{
    [Test]
    public void Generate_writes_the_image_folder_and_its_boxes_from_fashion_mnist_items()
    {
        // Two 4×4 items (labels 8 = Bag, 2 = Pullover) in the IDX format.
        var fmnist = TestFolders.NewTemp("fmnist-items");
        var pixels = Enumerable.Range(0, 32).Select(i => (byte)(i % 16 < 12 ? 220 : 0)).ToArray();
        WriteItems(fmnist, "train", pixels, [8, 2]);
        WriteItems(fmnist, "t10k", pixels, [8, 2]);
        var output = TestFolders.NewTemp("ooc-cli");
        var outcome = Ccrop.Invoke("data", "generate", "objects-on-clutter", "--out", output, "--fashion-mnist", fmnist, "--count", "10", "--size", "32", "--seed", "3");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var boxes = ObjectBoxesFile.Read(Path.Combine(output, ObjectBoxesFile.DefaultName));
        Assert.That(boxes, Has.Count.EqualTo(10 + 2)); // the test split gets a fifth
        Assert.That(boxes.Keys.Select(k => k.Split('/')[1]).Distinct(), Is.SubsetOf(new[] { "bag", "pullover" }));
        foreach (var key in boxes.Keys) Assert.That(File.Exists(Path.Combine(output, key)), key);
    }

    [Test]
    public void Detection_sets_paste_fashion_mnist_items_of_the_first_classes_with_train_items_in_trainval_and_test_items_in_test()
    {
        // 4×4 items. Train: a full square of class 0 and of class 1, and a top-half item of class 5 that
        // --classes 2 must leave out. Test: left-half items (2 of 4 columns lit) of classes 0 and 1.
        var fmnist = TestFolders.NewTemp("fmnist-detection-items");
        byte[] Item(Func<int, bool> lit) => Enumerable.Range(0, 16).Select(p => (byte)(lit(p) ? 220 : 0)).ToArray();
        byte[] full = Item(_ => true), topHalf = Item(p => p < 8), leftHalf = Item(p => p % 4 < 2);
        WriteItems(fmnist, "train", [.. full, .. full, .. topHalf], [0, 1, 5]);
        WriteItems(fmnist, "t10k", [.. leftHalf, .. leftHalf], [1, 0]);
        var output = TestFolders.NewTemp("detection-fmnist-cli");
        var outcome = Ccrop.Invoke("data", "generate", "detection", "--out", output, "--fashion-mnist", fmnist,
                                   "--count", "10", "--size", "64", "--seed", "4", "--classes", "2");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        string[] classes = ["t-shirt-top", "trouser"];
        var devkit = Path.Combine(output, "VOCdevkit");
        var trainval = DetectionSplit.FromVoc(devkit, ["2007/trainval"], classes).Records.SelectMany(r => r.Objects).ToList();
        var test = DetectionSplit.FromVoc(devkit, ["2007/test"], classes).Records.SelectMany(r => r.Objects).ToList();
        Assert.That(trainval, Is.Not.Empty);
        Assert.That(test, Is.Not.Empty);
        // A uniformly lit item resizes to a uniformly lit square: every train box is square (never the
        // 2:1 box of the class-5 item). A left-half item keeps about half its side's width when resized
        // (bilinear spill at the lit edge adds at most a pixel or two).
        foreach (var o in trainval) Assert.That(o.Box[2] - o.Box[0], Is.EqualTo(o.Box[3] - o.Box[1]), "train item box is square");
        foreach (var o in test) Assert.That(o.Box[2] - o.Box[0], Is.LessThan(0.75 * (o.Box[3] - o.Box[1])), "test item box is half as wide");
        var coco = DetectionSplit.FromCoco(Path.Combine(output, "annotations", "instances_test.json"),
                                           Path.Combine(devkit, "VOC2007", "JPEGImages"));
        Assert.That(coco.Classes, Is.EqualTo(classes));
        Assert.That(coco.Records.SelectMany(r => r.Objects).Select(o => o.Box), Is.EqualTo(test.Select(o => o.Box)));
        Assert.That(coco.Records.SelectMany(r => r.Objects).All(o => o.Rle!.Area() > 0), Is.True);
    }

    [Test]
    public void A_missing_fashion_mnist_folder_is_a_user_error_naming_the_file()
    {
        var output = TestFolders.NewTemp("ooc-cli-bad");
        var outcome = Ccrop.Invoke("data", "generate", "objects-on-clutter", "--out", output, "--fashion-mnist", Path.Combine(output, "nope"));
        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("train-images-idx3-ubyte").And.Contain("Expected layout"));
    }

    /// <summary>Writes a Fashion-MNIST split of 4×4 items in the IDX format.</summary>
    private static void WriteItems(string folder, string prefix, byte[] pixels, byte[] labels)
    {
        byte[] Idx(byte[] dims, byte[] data) => [0, 0, 0x08, (byte)(dims.Length / 4), .. dims, .. data];
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), Idx([0, 0, 0, (byte)labels.Length, 0, 0, 0, 4, 0, 0, 0, 4], pixels));
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), Idx([0, 0, 0, (byte)labels.Length], labels));
    }
}
