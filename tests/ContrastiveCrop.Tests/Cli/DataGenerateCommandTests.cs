using ContrastiveCrop.Data;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>ccrop data generate objects-on-clutter.</summary>
[TestFixture]
public sealed class DataGenerateCommandTests
{
    [Test]
    public void Generate_writes_the_image_folder_and_its_boxes_from_fashion_mnist_items()
    {
        // Two 4×4 items (labels 8 = Bag, 2 = Pullover) in the IDX format.
        var fmnist = TestFolders.NewTemp("fmnist-items");
        byte[] Idx(byte[] dims, byte[] data) => [0, 0, 0x08, (byte)(dims.Length / 4), .. dims, .. data];
        var pixels = Enumerable.Range(0, 32).Select(i => (byte)(i % 16 < 12 ? 220 : 0)).ToArray();
        foreach (var prefix in new[] { "train", "t10k" })
        {
            File.WriteAllBytes(Path.Combine(fmnist, $"{prefix}-images-idx3-ubyte"), Idx([0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4], pixels));
            File.WriteAllBytes(Path.Combine(fmnist, $"{prefix}-labels-idx1-ubyte"), Idx([0, 0, 0, 2], [8, 2]));
        }
        var output = TestFolders.NewTemp("ooc-cli");
        var outcome = Ccrop.Invoke("data", "generate", "objects-on-clutter", "--out", output, "--fashion-mnist", fmnist, "--count", "10", "--size", "32", "--seed", "3");

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var boxes = ObjectBoxesFile.Read(Path.Combine(output, ObjectBoxesFile.DefaultName));
        Assert.That(boxes, Has.Count.EqualTo(10 + 2)); // the test split gets a fifth
        Assert.That(boxes.Keys.Select(k => k.Split('/')[1]).Distinct(), Is.SubsetOf(new[] { "bag", "pullover" }));
        foreach (var key in boxes.Keys) Assert.That(File.Exists(Path.Combine(output, key)), key);
    }

    [Test]
    public void A_missing_fashion_mnist_folder_is_a_user_error_naming_the_file()
    {
        var output = TestFolders.NewTemp("ooc-cli-bad");
        var outcome = Ccrop.Invoke("data", "generate", "objects-on-clutter", "--out", output, "--fashion-mnist", Path.Combine(output, "nope"));
        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("train-images-idx3-ubyte").And.Contain("Expected layout"));
    }
}
