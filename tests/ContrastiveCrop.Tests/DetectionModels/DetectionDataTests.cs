using ContrastiveCrop.Data;
using ContrastiveCrop.Plugins.Detection;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.DetectionModels;

[TestFixture]
public sealed class DetectionDataTests
{
    [Test]
    public void Resizing_follows_detectron2s_shortest_edge_with_a_maximum()
    {
        // 480×640 to short side 800: scale 5/3 → 640·5/3 = 1066.7 ≤ 1333 → (800, 1067).
        Assert.That(DetectionTransform.ResizedSize(480, 640, 800, 1333), Is.EqualTo((800, 1067)));
        // 500×1000: 1000·1.6 = 1600 > 1333 → scale 1.333 → 500·1.333 = 666.5 → 667 (half up), 1333.
        Assert.That(DetectionTransform.ResizedSize(500, 1000, 800, 1333), Is.EqualTo((667, 1333)));
    }

    [Test]
    public void Boxes_and_polygons_follow_the_resize_and_the_flip()
    {
        using var scope = NewDisposeScope();
        var record = new DetectionRecord("unused.jpg", "a", 0, 100, 100,
            [new DetectionObject([10, 20, 30, 40], 1, [[10.0, 20, 30, 20, 30, 40]], null)]);
        // 100 → 50: box (5, 10, 15, 20); flipped in a width of 50: x1 = 50 − 15 = 35, x2 = 50 − 5 = 45.
        var t = DetectionTransform.Targets(record, 50, 50, flip: true, masks: true);
        Assert.That(t.Boxes.data<float>().ToArray(), Is.EqualTo(new float[] { 35, 10, 45, 20 }));
        Assert.That(t.Classes.data<long>().ToArray(), Is.EqualTo(new long[] { 1 }));
        Assert.That(t.Masks![0].Polygons![0], Is.EqualTo(new double[] { 45, 10, 35, 10, 35, 20 }));
    }

    [Test]
    public void The_learning_rate_warms_up_linearly_then_steps()
    {
        var o = new RcnnOptions();
        // detectron2: factor = 0.001·(1 − α) + α with α = iter / 100; then ×0.1 at 18k and 22k.
        Assert.That(o.LearningRateAt(0), Is.EqualTo(0.02 * 0.001).Within(1e-12));
        Assert.That(o.LearningRateAt(50), Is.EqualTo(0.02 * 0.5005).Within(1e-12));
        Assert.That(o.LearningRateAt(100), Is.EqualTo(0.02).Within(1e-12));
        Assert.That(o.LearningRateAt(18000), Is.EqualTo(0.002).Within(1e-12));
        Assert.That(o.LearningRateAt(23999), Is.EqualTo(0.0002).Within(1e-12));
    }

    [Test]
    public void The_generated_set_reads_the_same_in_VOC_and_COCO_format()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ccrop-detset-" + Guid.NewGuid().ToString("N"));
        try
        {
            var classes = DetectionSetGenerator.Generate(folder, new DetectionSetGenerator.Settings(6, 3, 64, Seed: 5, Classes: 3));
            var voc = DetectionSplit.FromVoc(Path.Combine(folder, "VOCdevkit"), ["2007/trainval"], classes);
            var coco = DetectionSplit.FromCoco(Path.Combine(folder, "annotations", "instances_trainval.json"),
                                               Path.Combine(folder, "VOCdevkit", "VOC2007", "JPEGImages"));
            Assert.That(coco.Classes, Is.EqualTo(classes));
            Assert.That(voc.Records, Has.Count.EqualTo(6));
            Assert.That(coco.Records, Has.Count.EqualTo(6));
            for (int i = 0; i < 6; i++)
            {
                // VOC's 1-based xmin minus detectron2's 1 equals COCO's 0-based x: the same boxes and classes.
                var a = voc.Records[i].Objects;
                var b = coco.Records[i].Objects;
                Assert.That(a.Select(o => o.Class), Is.EqualTo(b.Select(o => o.Class)));
                Assert.That(a.SelectMany(o => o.Box), Is.EqualTo(b.SelectMany(o => o.Box)));
                Assert.That(b.All(o => o.Rle is not null && o.Rle.Area() > 0), Is.True);
                Assert.That(File.Exists(coco.Records[i].Path), Is.True);
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Mask_RCNN_on_VOC_is_refused_with_the_fix()
    {
        var error = Assert.Throws<DetectionSetupException>(() => _ = new MaskRcnnC4(new RcnnOptions { Devkit = "x" }));
        Assert.That(error!.Message, Does.Contain("format: coco"));
    }
}
