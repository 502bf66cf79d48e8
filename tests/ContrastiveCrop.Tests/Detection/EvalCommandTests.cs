using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;
using static ContrastiveCrop.Tests.Detection.DetectionFiles;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class EvalCommandTests
{
    [Test]
    public void Eval_coco_prints_the_twelve_numbers_for_boxes_and_masks()
    {
        var folder = TestFolders.NewTemp("eval-coco");
        var gt = Path.Combine(folder, "instances.json");
        File.WriteAllText(gt, CocoInstances);
        var results = Path.Combine(folder, "detections.json");
        // The square found exactly; the bar of image 2 found with the right box and mask; a false positive
        // covering columns 40–41, inside the crowd region (ignored for boxes and masks; mask text from pycocotools' encode).
        File.WriteAllText(results, """
            [{"image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "score": 0.9,
              "segmentation": {"size": [40, 60], "counts": "j<d0d00000000000000000000000000000000000000VU1"}},
             {"image_id": 2, "category_id": 3, "bbox": [0, 0, 2, 40], "score": 0.8, "segmentation": {"size": [40, 60], "counts": "0`2`X2"}},
             {"image_id": 1, "category_id": 3, "bbox": [40, 0, 2, 40], "score": 0.95, "segmentation": {"size": [40, 60], "counts": "Pb1`2`f0"}}]
            """);
        var box = Ccrop.Invoke("eval", "coco", "--gt", gt, "--results", results);
        Assert.That(box.ExitCode, Is.EqualTo(0), box.Error);
        var lines = box.Out.Split('\n');
        Assert.That(lines[1], Is.EqualTo(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000"));
        Assert.That(lines.Count(l => l.StartsWith(" Average", StringComparison.Ordinal)), Is.EqualTo(12));
        var masks = Ccrop.Invoke("eval", "coco", "--gt", gt, "--results", results, "--iou-type", "segm");
        Assert.That(masks.ExitCode, Is.EqualTo(0), masks.Error);
        Assert.That(masks.Out, Does.Contain("*segm*").And.Contain(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000"));
    }

    [Test]
    public void Eval_voc_prints_per_class_ap_and_the_means()
    {
        var root = WriteVocDevkit("2007", "test", new Dictionary<string, VocBox[]>
        {
            ["000001"] = [new("dog", 48, 24, 95, 71), new("person", 8, 12, 40, 70, Difficult: true)],
            ["000002"] = [new("person", 10, 10, 30, 60)],
        });
        var results = TestFolders.NewTemp("voc-results");
        File.WriteAllLines(Path.Combine(results, "comp4_det_test_dog.txt"), ["000001 0.900 48.0 24.0 95.0 71.0"]);
        File.WriteAllLines(Path.Combine(results, "comp4_det_test_person.txt"), ["000002 0.800 10.0 10.0 30.0 60.0", "000001 0.300 60.0 5.0 70.0 20.0"]);
        var run = Ccrop.Invoke("eval", "voc", "--devkit", root, "--year", "2007", "--split", "test", "--results", results);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        Assert.That(run.Out, Does.Contain("dog             100.00  100.00  100.00"));
        Assert.That(run.Out, Does.Contain("person          100.00  100.00  100.00"));
        Assert.That(run.Out, Does.Contain("mean            100.00  100.00  100.00"));
        Assert.That(run.Out, Does.Contain("aeroplane"), "the standard VOC classes are listed");
    }

    [Test]
    public void Malformed_files_exit_with_a_user_error_naming_the_file()
    {
        var folder = TestFolders.NewTemp("eval-bad");
        var gt = Path.Combine(folder, "instances.json");
        File.WriteAllText(gt, CocoInstances.Replace("\"area\": 80,", ""));
        var run = Ccrop.Invoke("eval", "coco", "--gt", gt, "--results", gt);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("instances.json: annotations[2].area"));
    }
}
