using ContrastiveCrop.Detection.Evaluation;
using ContrastiveCrop.Detection.Formats;
using ContrastiveCrop.Detection.Masks;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class CocoEvaluatorTests
{
    private static CocoAnnotation Gt(long id, long image, double[] box, bool crowd = false, long category = 1) =>
        new(id, image, category, box, box[2] * box[3], crowd, null);

    private static CocoDataset Dataset(params CocoAnnotation[] annotations) =>
        new([new CocoImage(1, 200, 200, "1.jpg"), new CocoImage(2, 200, 200, "2.jpg")],
            [new CocoCategory(1, "cat"), new CocoCategory(2, "dog")], annotations);

    private static CocoDetection Det(long image, double score, double[] box, long category = 1) => new(image, category, score, box, null, box[2] * box[3]);

    [Test]
    public void Perfect_detections_give_ap_and_ar_one_and_minus_one_for_empty_area_ranges()
    {
        // Two medium objects (40 × 40 = 1600, between 32² and 96²).
        var gt = Dataset(Gt(1, 1, [10, 10, 40, 40]), Gt(2, 2, [50, 50, 40, 40], category: 2));
        var s = CocoEvaluator.Evaluate(gt, [Det(1, 0.9, [10, 10, 40, 40]), Det(2, 0.8, [50, 50, 40, 40], 2)], CocoIouType.Bbox);
        // Precision is tp / (tp + fp + spacing(1)), so "1" is 1 − 1.1e-16 as in pycocotools.
        Assert.That(s.Stats, Is.EqualTo(new double[] { 1, 1, 1, -1, 1, -1, 1, 1, 1, -1, 1, -1 }).Within(1e-12));
    }

    [Test]
    public void A_false_positive_ranked_first_halves_ap_and_hides_the_hit_from_ar1()
    {
        var gt = Dataset(Gt(1, 1, [10, 10, 40, 40]));
        var s = CocoEvaluator.Evaluate(gt, [Det(1, 0.9, [120, 120, 40, 40]), Det(1, 0.8, [10, 10, 40, 40])], CocoIouType.Bbox);
        // recall [0, 1], precision [0, 0.5] → envelope 0.5 at every recall point; the dog category has nothing.
        Assert.That(s.Ap, Is.EqualTo(0.5).Within(1e-12));
        Assert.That(s.Stats[6], Is.EqualTo(0), "AR@1 sees only the false positive");
        Assert.That(s.Stats[8], Is.EqualTo(1), "AR@100");
    }

    [Test]
    public void Duplicates_are_false_positives_read_at_101_recall_points()
    {
        var gt = Dataset(Gt(1, 1, [10, 10, 40, 40]), Gt(2, 1, [100, 100, 40, 40]));
        var dets = new[] { Det(1, 0.9, [10, 10, 40, 40]), Det(1, 0.8, [10, 10, 40, 40]), Det(1, 0.7, [100, 100, 40, 40]) };
        // recall .5 .5 1, precision 1 .5 2/3 → envelope 1, 2/3, 2/3. Points 0..0.50 (51) read 1, 0.51..1 (50) read 2/3.
        var s = CocoEvaluator.Evaluate(gt, dets, CocoIouType.Bbox);
        Assert.That(s.Ap, Is.EqualTo((51 + 50 * 2.0 / 3) / 101).Within(1e-12));
    }

    [Test]
    public void Crowd_regions_absorb_detections_without_counting_them()
    {
        var gt = Dataset(Gt(1, 1, [10, 10, 40, 40]), Gt(2, 1, [100, 100, 80, 80], crowd: true));
        // Two detections inside the crowd region rank first: both match it (IoU = intersection / own area = 1) and are ignored.
        var dets = new[] { Det(1, 0.95, [110, 110, 20, 20]), Det(1, 0.9, [140, 140, 30, 30]), Det(1, 0.8, [10, 10, 40, 40]) };
        Assert.That(CocoEvaluator.Evaluate(gt, dets, CocoIouType.Bbox).Ap, Is.EqualTo(1).Within(1e-12));
        // Crowd IoU is intersection over the detection's area: half of [0, 0, 10, 10] lies in [5, 0, 100, 100].
        Assert.That(CocoEvaluator.BoxIou([0, 0, 10, 10], [5, 0, 100, 100], crowd: true), Is.EqualTo(0.5));
        Assert.That(CocoEvaluator.BoxIou([0, 0, 10, 10], [5, 0, 100, 100], crowd: false), Is.EqualTo(50.0 / (100 + 10000 - 50)));
    }

    [Test]
    public void Categories_without_ground_truth_are_left_out_even_with_detections()
    {
        var gt = Dataset(Gt(1, 1, [10, 10, 40, 40]));
        var dets = new[] { Det(1, 0.9, [10, 10, 40, 40]), Det(1, 0.99, [60, 60, 40, 40], category: 2) };
        Assert.That(CocoEvaluator.Evaluate(gt, dets, CocoIouType.Bbox).Ap, Is.EqualTo(1).Within(1e-12));
    }

    [Test]
    public void Max_detections_cut_each_image_by_score()
    {
        var gt = Dataset(Gt(1, 1, [10, 10, 40, 40]), Gt(2, 1, [100, 100, 40, 40]));
        var s = CocoEvaluator.Evaluate(gt, [Det(1, 0.9, [10, 10, 40, 40]), Det(1, 0.8, [100, 100, 40, 40])], CocoIouType.Bbox);
        Assert.That((s.Stats[6], s.Stats[7]), Is.EqualTo((0.5, 1.0)));
    }

    [Test]
    public void Small_objects_only_count_in_all_and_small()
    {
        var gt = Dataset(Gt(1, 1, [10, 10, 10, 10]));
        var s = CocoEvaluator.Evaluate(gt, [Det(1, 0.9, [10, 10, 10, 10])], CocoIouType.Bbox);
        Assert.That((s.Stats[3], s.Stats[4], s.Stats[5]), Is.EqualTo((1.0, -1.0, -1.0)).Within(1e-12));
    }

    [Test]
    public void Masks_are_compared_as_masks_not_boxes()
    {
        // An L-shaped object (300 of its box's 400 pixels) detected with the right box and a full-box mask.
        double[] l = [20, 20, 40, 20, 40, 30, 30, 30, 30, 40, 20, 40];
        var segmentation = new CocoSegmentation([l], null);
        Assert.That(segmentation.ToRle(200, 200).Area(), Is.EqualTo(300));
        var gt = new CocoDataset([new CocoImage(1, 200, 200, "1.jpg")], [new CocoCategory(1, "cat")],
                                 [new CocoAnnotation(1, 1, 1, [20, 20, 20, 20], 300, false, segmentation)]);
        var boxMask = PolygonRasterizer.Rasterize([20.0, 20, 40, 20, 40, 40, 20, 40], 200, 200);
        var detection = new CocoDetection(1, 1, 0.9, [20, 20, 20, 20], boxMask, 400);
        Assert.That(CocoEvaluator.Evaluate(gt, [detection], CocoIouType.Bbox).Ap, Is.EqualTo(1).Within(1e-12));
        // Mask IoU 300/400 = 0.75 ≥ t for t = 0.50 … 0.75 (6 of 10 thresholds).
        var segm = CocoEvaluator.Evaluate(gt, [detection], CocoIouType.Segm);
        Assert.That((segm.Ap, segm.Ap50, segm.Ap75), Is.EqualTo((0.6, 1.0, 1.0)).Within(1e-12));
    }

    [Test]
    public void Thresholds_are_numpy_linspace_values()
    {
        // Values printed by numpy.linspace(.5, .95, 10) and linspace(0, 1, 101).
        Assert.That(CocoParameters.IouThresholds[8], Is.EqualTo(0.8999999999999999));
        Assert.That(CocoParameters.IouThresholds[5], Is.EqualTo(0.75));
        Assert.That(CocoParameters.RecallThresholds[70], Is.EqualTo(0.7000000000000001));
        Assert.That(CocoParameters.RecallThresholds[35], Is.EqualTo(0.35000000000000003));
        Assert.That(CocoParameters.RecallThresholds[50], Is.EqualTo(0.5));
    }

    [Test]
    public void Summary_prints_pycocotools_layout()
    {
        var lines = new CocoSummary(CocoIouType.Bbox, [0.5, 1, 0.25, -1, 0.5, 0.123456, 0, 0, 0, 0, 0, 0]).Format().Split('\n');
        Assert.That(lines[0], Is.EqualTo(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.500"));
        Assert.That(lines[1], Is.EqualTo(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000"));
        Assert.That(lines[3], Is.EqualTo(" Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000"));
        Assert.That(lines[5], Is.EqualTo(" Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 0.123"));
        Assert.That(lines[6], Is.EqualTo(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.000"));
    }
}
