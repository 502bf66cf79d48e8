using ContrastiveCrop.Detection.Evaluation;
using ContrastiveCrop.Detection.Formats;
using ContrastiveCrop.Plugins.Detection.Training;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.DetectionModels;

/// <summary>
/// Per-class detection metrics on hand-made cases: "cat" has a false positive ranked above its one
/// perfect hit (AP 50 at every threshold), "dog" one hit of IoU 0.62 (VOC) / 0.72 (COCO) that counts
/// only up to that threshold, "bird" has no object at all.
/// </summary>
[TestFixture]
public sealed class PerClassMetricsTests
{
    [Test]
    public void Voc_per_class_values_are_the_classes_cells_and_average_to_the_evaluators_means()
    {
        var cat = new VocObject("cat", 10, 10, 50, 60, false, false, null);
        // Inclusive pixels: 100 × 100 truth, 100 × 62 detection inside it → IoU 0.62.
        var dog = new VocObject("dog", 0, 0, 99, 99, false, false, null);
        var annotations = new[] { new VocAnnotation("1", "1.jpg", 120, 120, [cat]), new VocAnnotation("2", "2.jpg", 120, 120, [dog]) };
        var detections = new Dictionary<string, IReadOnlyList<VocDetection>>
        {
            ["cat"] = [new VocDetection("1", 0.9, 70, 70, 90, 90), new VocDetection("1", 0.8, 10, 10, 50, 60)],
            ["dog"] = [new VocDetection("2", 0.7, 0, 0, 99, 61)],
            ["bird"] = [new VocDetection("2", 0.6, 5, 5, 30, 30)],
        };
        var evaluation = VocEvaluator.Evaluate(annotations, ["cat", "dog", "bird"], detections, use07Metric: false);

        var perClass = PerClassMetrics.Voc(evaluation).ToDictionary(p => p.Name, p => p.Value);

        // cat: recall [0, 1], precision [0, 0.5] at every threshold → 50. dog: a hit at 0.50, 0.55, 0.60
        // (IoU must exceed the threshold), a miss at the seven above → AP (3 × 100) / 10 = 30.
        var expected = new Dictionary<string, double>
        {
            ["AP/cat"] = 50, ["AP50/cat"] = 50, ["AP75/cat"] = 50,
            ["AP/dog"] = 30, ["AP50/dog"] = 100, ["AP75/dog"] = 0,
        };
        Assert.That(perClass.Keys, Is.EquivalentTo(expected.Keys), "bird has no object, so no entry");
        foreach (var (name, value) in expected) Assert.That(perClass[name], Is.EqualTo(value).Within(1e-9), name);
        Assert.That((perClass["AP/cat"] + perClass["AP/dog"]) / 2, Is.EqualTo(evaluation.Ap).Within(1e-9));
        Assert.That((perClass["AP50/cat"] + perClass["AP50/dog"]) / 2, Is.EqualTo(evaluation.Ap50).Within(1e-9));
        Assert.That((perClass["AP75/cat"] + perClass["AP75/dog"]) / 2, Is.EqualTo(evaluation.Ap75).Within(1e-9));
    }

    [Test]
    public void Coco_per_category_values_follow_detectron2_and_average_to_the_summary()
    {
        static CocoAnnotation Gt(long id, long image, long category, double[] box) => new(id, image, category, box, box[2] * box[3], false, null);
        static CocoDetection Det(long image, long category, double score, double[] box) => new(image, category, score, box, null, box[2] * box[3]);
        var gt = new CocoDataset([new CocoImage(1, 200, 200, "1.jpg"), new CocoImage(2, 200, 200, "2.jpg")],
            [new CocoCategory(1, "cat"), new CocoCategory(2, "dog"), new CocoCategory(3, "bird")],
            [Gt(1, 1, 1, [10, 10, 40, 40]), Gt(2, 2, 2, [100, 100, 40, 40])]);
        var detections = new[]
        {
            Det(1, 1, 0.9, [120, 120, 40, 40]), Det(1, 1, 0.8, [10, 10, 40, 40]),
            // 40 × 28.8 inside the 40 × 40 truth: IoU 0.72, a match at thresholds 0.50 … 0.70 only.
            Det(2, 2, 0.7, [100, 100, 40, 28.8]),
            Det(2, 3, 0.6, [10, 10, 20, 20]),
        };
        var (precision, recall) = CocoEvaluator.Accumulate(gt, detections, CocoIouType.Bbox);

        var perClass = PerClassMetrics.Coco("bbox", precision, ["cat", "dog", "bird"]).ToDictionary(p => p.Name, p => p.Value);

        // cat: envelope 0.5 at all 101 recall points and 10 thresholds. dog: precision 1 (tp / (tp + spacing(1)))
        // at the 5 matching thresholds, 0 at the other 5 → AP 50, AP50 100, AP75 0.
        var expected = new Dictionary<string, double>
        {
            ["bbox_AP/cat"] = 50, ["bbox_AP50/cat"] = 50, ["bbox_AP75/cat"] = 50,
            ["bbox_AP/dog"] = 50, ["bbox_AP50/dog"] = 100, ["bbox_AP75/dog"] = 0,
        };
        Assert.That(perClass.Keys, Is.EquivalentTo(expected.Keys), "bird has no object, so no entry");
        foreach (var (name, value) in expected) Assert.That(perClass[name], Is.EqualTo(value).Within(1e-9), name);
        var summary = CocoEvaluator.Summarize(CocoIouType.Bbox, precision, recall);
        Assert.That((perClass["bbox_AP/cat"] + perClass["bbox_AP/dog"]) / 2, Is.EqualTo(100 * summary.Ap).Within(1e-9));
        Assert.That((perClass["bbox_AP50/cat"] + perClass["bbox_AP50/dog"]) / 2, Is.EqualTo(100 * summary.Ap50).Within(1e-9));
        Assert.That((perClass["bbox_AP75/cat"] + perClass["bbox_AP75/dog"]) / 2, Is.EqualTo(100 * summary.Ap75).Within(1e-9));
    }

    [Test]
    public void Coco_class_names_must_match_the_categories()
    {
        var precision = new double[10, 101, 2, 4, 3];
        Assert.That(() => PerClassMetrics.Coco("bbox", precision, ["only-one"]).ToList(), Throws.ArgumentException.With.Message.Contains("2 categories"));
    }
}
