using ContrastiveCrop.Detection.Evaluation;

namespace ContrastiveCrop.Plugins.Detection.Training;

/// <summary>
/// Per-class detection metrics named <c>metric/class</c> (the run report's per-class table reads
/// that form): VOC's <c>AP/c</c>, <c>AP50/c</c>, <c>AP75/c</c> and COCO's <c>bbox_AP/c</c>,
/// <c>bbox_AP50/c</c>, <c>bbox_AP75/c</c> (and <c>segm_…</c>), in percent. A class the evaluated
/// split has no object of has no AP (the evaluators leave it out of the mean), so it gets no entry.
/// </summary>
internal static class PerClassMetrics
{
    /// <summary>VOC: a class's AP is the mean of its APs at IoU 0.50:0.95 (detectron2's PascalVOCDetectionEvaluator averages the same cells).</summary>
    public static IEnumerable<(string Name, double Value)> Voc(VocEvaluation evaluation)
    {
        int t50 = evaluation.Thresholds.ToList().IndexOf(50), t75 = evaluation.Thresholds.ToList().IndexOf(75);
        for (int c = 0; c < evaluation.Classes.Count; c++)
        {
            var cells = Enumerable.Range(0, evaluation.Thresholds.Count).Select(t => evaluation.At(c, t)).ToList();
            if (cells.Any(double.IsNaN)) continue;
            var name = evaluation.Classes[c];
            yield return ($"AP/{name}", cells.Average());
            yield return ($"AP50/{name}", cells[t50]);
            yield return ($"AP75/{name}", cells[t75]);
        }
    }

    /// <summary>
    /// COCO, from the accumulated precision [T, R, K, A, M] (categories in increasing id order, named
    /// <paramref name="classes"/> in that order): detectron2's per-category AP, the mean of the category's
    /// defined precisions (&gt; −1) over all IoU thresholds and recall points at area "all" and 100
    /// detections; AP50 and AP75 the same at one threshold.
    /// </summary>
    public static IEnumerable<(string Name, double Value)> Coco(string prefix, double[,,,,] precision, IReadOnlyList<string> classes)
    {
        int thresholds = precision.GetLength(0), recallPoints = precision.GetLength(1), categories = precision.GetLength(2);
        if (categories != classes.Count)
            throw new ArgumentException($"The precision array has {categories} categories but {classes.Count} class names were given.");
        int area = Array.FindIndex(CocoParameters.AreaRanges, r => r.Name == "all");
        int m = Array.IndexOf(CocoParameters.MaxDetections, 100);
        // pycocotools picks a threshold by exact equality with its linspace values.
        int t50 = Array.IndexOf(CocoParameters.IouThresholds, 0.5), t75 = Array.IndexOf(CocoParameters.IouThresholds, 0.75);
        for (int k = 0; k < categories; k++)
        {
            double? Mean(IEnumerable<int> ts)
            {
                var values = new List<double>();
                foreach (int t in ts)
                    for (int r = 0; r < recallPoints; r++)
                        if (precision[t, r, k, area, m] > -1) values.Add(precision[t, r, k, area, m]);
                return values.Count == 0 ? null : 100 * values.Average();
            }
            if (Mean(Enumerable.Range(0, thresholds)) is not { } ap) continue;
            yield return ($"{prefix}_AP/{classes[k]}", ap);
            yield return ($"{prefix}_AP50/{classes[k]}", Mean([t50])!.Value);
            yield return ($"{prefix}_AP75/{classes[k]}", Mean([t75])!.Value);
        }
    }
}
