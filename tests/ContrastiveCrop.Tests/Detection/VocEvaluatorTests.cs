using ContrastiveCrop.Detection.Evaluation;
using ContrastiveCrop.Detection.Formats;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class VocEvaluatorTests
{
    private static VocObject Obj(string name, double x1, double y1, double x2, double y2, bool difficult = false) =>
        new(name, x1, y1, x2, y2, difficult, false, null);

    private static VocDetection Det(string image, double score, VocObject o) => new(image, score, o.XMin, o.YMin, o.XMax, o.YMax);

    private static double Ap(VocAnnotation[] annotations, VocDetection[] dets, bool use07, double threshold = 0.5) =>
        VocEvaluator.ClassAp(annotations, "cat", dets, threshold, use07);

    [Test]
    public void Perfect_detections_give_ap_100_at_every_threshold()
    {
        var a = Obj("cat", 10, 10, 50, 60);
        var b = Obj("dog", 5, 5, 20, 20);
        var annotations = new[] { new VocAnnotation("1", "1.jpg", 100, 100, [a, b]) };
        var detections = new Dictionary<string, IReadOnlyList<VocDetection>> { ["cat"] = [Det("1", 0.9, a)], ["dog"] = [Det("1", 0.8, b)] };
        foreach (bool use07 in new[] { true, false })
        {
            var result = VocEvaluator.Evaluate(annotations, ["cat", "dog"], detections, use07);
            Assert.That((result.Ap, result.Ap50, result.Ap75), Is.EqualTo((100.0, 100.0, 100.0)).Within(1e-9));
        }
    }

    [Test]
    public void A_false_positive_ranked_first_halves_ap()
    {
        var gt = Obj("cat", 10, 10, 50, 60);
        var annotations = new[] { new VocAnnotation("1", "1.jpg", 100, 100, [gt]) };
        var dets = new[] { new VocDetection("1", 0.9, 70, 70, 90, 90), Det("1", 0.8, gt) };
        // recall [0, 1], precision [0, 0.5]: every 11-point level and the area both give 0.5.
        Assert.That(Ap(annotations, dets, use07: true), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(Ap(annotations, dets, use07: false), Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void Difficult_objects_are_neither_hits_nor_misses_nor_positives()
    {
        var easy = Obj("cat", 10, 10, 50, 60);
        var hard = Obj("cat", 60, 60, 90, 90, difficult: true);
        var annotations = new[] { new VocAnnotation("1", "1.jpg", 100, 100, [easy, hard]) };
        // The detection on the difficult object is ignored; one positive, found → AP 1.
        var dets = new[] { Det("1", 0.9, hard), Det("1", 0.8, easy) };
        Assert.That(Ap(annotations, dets, use07: false), Is.EqualTo(1.0).Within(1e-12));
        // Missing the difficult object costs nothing either.
        Assert.That(Ap(annotations, [Det("1", 0.8, easy)], use07: true), Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void Duplicates_are_false_positives()
    {
        var a = Obj("cat", 10, 10, 50, 60);
        var b = Obj("cat", 60, 60, 90, 90);
        var annotations = new[] { new VocAnnotation("1", "1.jpg", 100, 100, [a, b]) };
        var dets = new[] { Det("1", 0.9, a), Det("1", 0.8, a), Det("1", 0.7, b) };
        // TP, FP, TP: recall .5 .5 1, precision 1 .5 2/3 → envelope 1, 2/3, 2/3.
        // Area: 0.5·1 + 0.5·2/3 = 0.8333. 11-point: t ≤ 0.5 (6 levels) → 1, t ≥ 0.6 (5 levels) → 2/3 → (6 + 10/3)/11.
        Assert.That(Ap(annotations, dets, use07: false), Is.EqualTo(0.5 + 1.0 / 3).Within(1e-12));
        Assert.That(Ap(annotations, dets, use07: true), Is.EqualTo((6 + 10.0 / 3) / 11).Within(1e-12));
    }

    [Test]
    public void Iou_counts_inclusive_pixels_and_must_exceed_the_threshold()
    {
        var gt = Obj("cat", 1, 1, 10, 10); // 10 × 10 = 100 pixels
        var annotations = new[] { new VocAnnotation("1", "1.jpg", 20, 20, [gt]) };
        // 10 × 5 = 50 pixels inside: IoU exactly 0.5 (0.444 without the +1) → not a match at 0.5.
        Assert.That(VocEvaluator.InclusiveIou(new VocDetection("1", 1, 1, 1, 10, 5), gt), Is.EqualTo(0.5));
        Assert.That(Ap(annotations, [new VocDetection("1", 1, 1, 1, 10, 5)], false, 0.5), Is.EqualTo(0));
        // 10 × 6: IoU 0.6 → a match at 0.50 and 0.55, not at 0.60 and above: AP = (100 + 100) / 10 = 20.
        var result = VocEvaluator.Evaluate(annotations, ["cat"], new Dictionary<string, IReadOnlyList<VocDetection>> { ["cat"] = [new VocDetection("1", 1, 1, 1, 10, 6)] }, false);
        Assert.That((result.Ap, result.Ap50, result.Ap75), Is.EqualTo((20.0, 100.0, 0.0)));
    }

    [Test]
    public void Eleven_point_levels_are_numpy_arange_values()
    {
        // 10 positives; TP TP TP FP FP FP TP: recall .1 .2 .3 .3 .3 .3 .4, precision 1 1 1 .75 .6 .5 4/7.
        // 3/10 = 0.29999999999999998 is below the level 3·0.1 = 0.30000000000000004, so that level takes 4/7:
        // AP = (1 + 1 + 1 + 4/7 + 4/7) / 11 = 0.37662 (0.41558 with levels i/10).
        var objects = Enumerable.Range(0, 10).Select(i => Obj("cat", 10 * i, 0, 10 * i + 5, 5)).ToArray();
        var annotations = new[] { new VocAnnotation("1", "1.jpg", 200, 20, objects) };
        var miss = new VocObject("cat", 150, 10, 160, 19, false, false, null);
        var dets = new[] { Det("1", .9, objects[0]), Det("1", .8, objects[1]), Det("1", .7, objects[2]),
                           Det("1", .6, miss), Det("1", .5, miss), Det("1", .4, miss), Det("1", .3, objects[3]) };
        Assert.That(Ap(annotations, dets, use07: true), Is.EqualTo((3 + 8.0 / 7) / 11).Within(1e-12));
    }

    [Test]
    public void Classes_without_positives_are_left_out_of_the_mean()
    {
        var gt = Obj("cat", 10, 10, 50, 60);
        var annotations = new[] { new VocAnnotation("1", "1.jpg", 100, 100, [gt]) };
        var detections = new Dictionary<string, IReadOnlyList<VocDetection>> { ["cat"] = [Det("1", 0.9, gt)], ["dog"] = [Det("1", 0.5, gt)] };
        var result = VocEvaluator.Evaluate(annotations, ["cat", "dog"], detections, false);
        Assert.That(double.IsNaN(result.At(1, 0)), Is.True);
        Assert.That(result.Ap50, Is.EqualTo(100.0));
    }

    [Test]
    public void Results_lines_add_one_to_the_top_left_and_round_like_detectron2()
    {
        Assert.That(VocResultsFile.FormatLine("000005", 0.98765, 9.04, 19.96, 30.25, 40.0), Is.EqualTo("000005 0.988 10.0 21.0 30.2 40.0"));
    }
}
