using ContrastiveCrop.Detection.Formats;
using NUnit.Framework;
using static ContrastiveCrop.Tests.Detection.DetectionFiles;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class VocDevkitTests
{
    [Test]
    public void Reads_split_and_annotations_with_difficult_flags()
    {
        var root = WriteVocDevkit("2007", "test", new Dictionary<string, VocBox[]>
        {
            ["000001"] = [new("dog", 48, 24, 95, 71), new("person", 8, 12, 40, 70, Difficult: true)],
            ["000002"] = [],
        });
        var devkit = new VocDevkit(root);
        Assert.That(devkit.ReadSplit("2007", "test"), Is.EqualTo(new[] { "000001", "000002" }));
        var annotation = devkit.ReadAnnotation("2007", "000001");
        Assert.That((annotation.FileName, annotation.Width, annotation.Height), Is.EqualTo(("000001.jpg", 100, 80)));
        Assert.That(annotation.Objects, Is.EqualTo(new[]
        {
            new VocObject("dog", 48, 24, 95, 71, false, false, "Unspecified"),
            new VocObject("person", 8, 12, 40, 70, true, false, "Unspecified"),
        }));
        Assert.That(devkit.ReadAnnotation("2007", "000002").Objects, Is.Empty);
        Assert.That(devkit.ImagePath("2007", "000001"), Does.EndWith(Path.Combine("VOC2007", "JPEGImages", "000001.jpg")));
    }

    [Test]
    public void A_missing_box_names_the_file_and_the_object()
    {
        var root = WriteVocDevkit("2007", "test", new Dictionary<string, VocBox[]> { ["000001"] = [new("dog", 1, 1, 5, 5)] });
        var path = Path.Combine(root, "VOC2007", "Annotations", "000001.xml");
        File.WriteAllText(path, File.ReadAllText(path).Replace("<bndbox>", "<box>").Replace("</bndbox>", "</box>"));
        var e = Assert.Throws<DetectionFormatException>(() => new VocDevkit(root).ReadAnnotation("2007", "000001"));
        Assert.That(e!.Message, Does.Contain("000001.xml").And.Contain("annotation/object[0]/bndbox"));
    }

    [Test]
    public void Malformed_values_name_the_element_and_the_line()
    {
        var root = WriteVocDevkit("2007", "test", new Dictionary<string, VocBox[]> { ["000001"] = [new("dog", 1, 1, 5, 5), new("cat", 2, 2, 9, 9)] });
        var path = Path.Combine(root, "VOC2007", "Annotations", "000001.xml");
        File.WriteAllText(path, File.ReadAllText(path).Replace("<xmax>9</xmax>", "<xmax>nine</xmax>"));
        var e = Assert.Throws<DetectionFormatException>(() => new VocDevkit(root).ReadAnnotation("2007", "000001"));
        Assert.That(e!.Message, Does.Contain("annotation/object[1]/bndbox/xmax").And.Contain("'nine' is not a number").And.Contain("line"));

        File.WriteAllText(path, File.ReadAllText(path).Replace("<xmax>nine</xmax>", "<xmax>9</xmax>").Replace("<difficult>0</difficult>", "<difficult>yes</difficult>"));
        e = Assert.Throws<DetectionFormatException>(() => new VocDevkit(root).ReadAnnotation("2007", "000001"));
        Assert.That(e!.Message, Does.Contain("annotation/object[0]/difficult").And.Contain("must be 0 or 1"));

        File.WriteAllText(path, "<annotation><object>");
        e = Assert.Throws<DetectionFormatException>(() => new VocDevkit(root).ReadAnnotation("2007", "000001"));
        Assert.That(e!.Message, Does.Contain("000001.xml").And.Contain("not well-formed XML"));
    }

    [Test]
    public void A_missing_split_file_says_where_it_was_expected()
    {
        var root = WriteVocDevkit("2007", "test", new Dictionary<string, VocBox[]>());
        var e = Assert.Throws<DetectionFormatException>(() => new VocDevkit(root).ReadSplit("2012", "trainval"));
        Assert.That(e!.Message, Does.Contain("VOC2012/ImageSets/Main/trainval.txt"));
        Assert.Throws<DirectoryNotFoundException>(() => new VocDevkit(Path.Combine(root, "nowhere")));
    }
}
