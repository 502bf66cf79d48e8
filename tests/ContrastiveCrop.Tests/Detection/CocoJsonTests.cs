using ContrastiveCrop.Detection.Formats;
using ContrastiveCrop.Detection.Masks;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class CocoJsonTests
{
    private static string Write(string text, string name = "instances.json") => TestFolders.NewFile("coco", name, text);

    [Test]
    public void Reads_boxes_polygons_rles_crowd_flags_and_areas()
    {
        var dataset = CocoJson.ReadInstances(Write(DetectionFiles.CocoInstances));
        Assert.That(dataset.Images.Select(i => (i.Id, i.Width, i.Height)), Is.EqualTo(new[] { (1L, 60, 40), (2L, 60, 40) }));
        Assert.That(dataset.Categories.Select(c => c.Name), Is.EqualTo(new[] { "square", "bar" }));
        var (square, crowd, bar) = (dataset.Annotations[0], dataset.Annotations[1], dataset.Annotations[2]);
        Assert.That(square.Bbox, Is.EqualTo(new double[] { 10, 10, 20, 20 }));
        Assert.That((square.Area, square.IsCrowd, crowd.IsCrowd), Is.EqualTo((400.0, false, true)));
        // The polygon (10,10)–(30,30) rasterises to its 20 × 20 pixels.
        Assert.That(square.Segmentation!.ToRle(40, 60).Area(), Is.EqualTo(400));
        // Uncompressed RLE: 1600 background pixels (columns 0–39), 400 foreground (columns 40–49).
        var crowdMask = crowd.Segmentation!.ToRle(40, 60).Decode();
        Assert.That((crowdMask[0 * 60 + 39], crowdMask[0 * 60 + 40], crowdMask[39 * 60 + 49], crowdMask[0 * 60 + 50]), Is.EqualTo(((byte)0, (byte)1, (byte)1, (byte)0)));
        // Compressed "0`2`X2" is counts [0, 80, 2320]: columns 0 and 1 (the text pycocotools' encode gives for that mask).
        Assert.That(bar.Segmentation!.Rle!.Counts, Is.EqualTo(new uint[] { 0, 80, 2320 }));
        Assert.That(RleString.Encode(bar.Segmentation.Rle), Is.EqualTo("0`2`X2"));
    }

    [Test]
    public void Result_areas_come_from_boxes_when_results_carry_boxes_even_for_masks()
    {
        // pycocotools' loadRes: a bbox in the first result makes every area w·h; mask-only results use the mask area.
        var gt = CocoJson.ReadInstances(Write(DetectionFiles.CocoInstances));
        var withBoxes = Write("""[{"image_id": 2, "category_id": 3, "bbox": [0, 0, 4, 5], "score": 0.8, "segmentation": {"size": [40, 60], "counts": "0`2`X2"}}]""", "r.json");
        Assert.That(CocoJson.ReadResults(withBoxes, gt, true).Single().Area, Is.EqualTo(20));
        var masksOnly = Write("""[{"image_id": 2, "category_id": 3, "score": 0.8, "segmentation": {"size": [40, 60], "counts": "0`2`X2"}}]""", "r.json");
        Assert.That(CocoJson.ReadResults(masksOnly, gt, true).Single().Area, Is.EqualTo(80));
    }

    [Test]
    public void Malformed_annotations_name_the_file_and_json_path()
    {
        var path = Write(DetectionFiles.CocoInstances.Replace("\"bbox\": [40, 0, 10, 40]", "\"bbox\": [40, 0, 10]"));
        var e = Assert.Throws<DetectionFormatException>(() => CocoJson.ReadInstances(path));
        Assert.That(e!.Message, Does.Contain("instances.json").And.Contain("annotations[1].bbox"));

        path = Write(DetectionFiles.CocoInstances.Replace("\"image_id\": 2, \"category_id\": 3", "\"image_id\": 7, \"category_id\": 3"));
        e = Assert.Throws<DetectionFormatException>(() => CocoJson.ReadInstances(path));
        Assert.That(e!.Message, Does.Contain("annotations[2].image_id").And.Contain("image 7 is not in images"));

        path = Write(DetectionFiles.CocoInstances.Replace("\"counts\": [1600, 400, 400]", "\"counts\": [1600, 400]"));
        e = Assert.Throws<DetectionFormatException>(() => CocoJson.ReadInstances(path));
        Assert.That(e!.Message, Does.Contain("annotations[1].segmentation").And.Contain("add up to 2000"));

        path = Write("{\"images\": [");
        e = Assert.Throws<DetectionFormatException>(() => CocoJson.ReadInstances(path));
        Assert.That(e!.Message, Does.Contain("not valid JSON"));
    }

    [Test]
    public void Results_must_be_for_images_of_the_ground_truth()
    {
        var gt = CocoJson.ReadInstances(Write(DetectionFiles.CocoInstances));
        var ok = CocoJson.ReadResults(Write("""[{"image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "score": 0.9}]""", "r.json"), gt, false);
        Assert.That(ok.Single().Bbox, Is.EqualTo(new double[] { 10, 10, 20, 20 }));
        var path = Write("""[{"image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.9}, {"image_id": 5, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.5}]""", "r.json");
        var e = Assert.Throws<DetectionFormatException>(() => CocoJson.ReadResults(path, gt, false));
        Assert.That(e!.Message, Does.Contain("r.json").And.Contain("[1].image_id"));
        path = Write("""[{"image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.9}]""", "r.json");
        e = Assert.Throws<DetectionFormatException>(() => CocoJson.ReadResults(path, gt, true));
        Assert.That(e!.Message, Does.Contain("[0].segmentation").And.Contain("segm evaluation needs a mask"));
    }
}
