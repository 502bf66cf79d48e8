using ContrastiveCrop.Detection.Formats;

namespace ContrastiveCrop.Detection.Evaluation;

/// <summary>Per-class AP at each IoU threshold and the summary numbers (all ×100).</summary>
public sealed record VocEvaluation(IReadOnlyList<string> Classes, IReadOnlyList<int> Thresholds, double[,] ClassAp)
{
    /// <summary>AP of class <paramref name="c"/> at threshold index <paramref name="t"/> (NaN when the class has no positives).</summary>
    public double At(int c, int t) => ClassAp[c, t];

    /// <summary>Mean over classes with positives at one threshold (percent, e.g. 50 or 75).</summary>
    public double MeanAp(int thresholdPercent)
    {
        int t = Thresholds.ToList().IndexOf(thresholdPercent);
        if (t < 0) throw new ArgumentException($"No AP at IoU {thresholdPercent / 100.0}.");
        var values = Enumerable.Range(0, Classes.Count).Select(c => ClassAp[c, t]).Where(v => !double.IsNaN(v)).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }

    /// <summary>AP: mean over IoU 0.50:0.05:0.95 of the per-threshold means.</summary>
    public double Ap => Thresholds.Select(MeanAp).Average();
    /// <summary>AP at IoU 0.5.</summary>
    public double Ap50 => MeanAp(50);
    /// <summary>AP at IoU 0.75.</summary>
    public double Ap75 => MeanAp(75);
}

/// <summary>
/// PASCAL VOC detection AP with detectron2's conventions (its port of the devkit's voc_eval):
/// inclusive-pixel IoU (+1 on sizes and intersection); each detection, by decreasing score, is
/// compared with the ground truth of highest IoU and matches when IoU &gt; t strictly; a match with
/// a difficult object counts neither way; a second match of the same object is a false positive;
/// difficult objects are left out of the positives. 11-point AP for VOC2007, area AP otherwise.
/// </summary>
public static class VocEvaluator
{
    /// <summary>IoU thresholds in percent: 50, 55, …, 95.</summary>
    public static readonly IReadOnlyList<int> Thresholds = [.. Enumerable.Range(0, 10).Select(i => 50 + 5 * i)];

    // numpy's finfo(float64).eps, the floor detectron2 puts under tp + fp.
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Evaluates <paramref name="detections"/> (per class name) against the annotations of the
    /// split's images. A class without non-difficult objects gets NaN and is left out of the means.
    /// </summary>
    public static VocEvaluation Evaluate(IReadOnlyList<VocAnnotation> annotations, IReadOnlyList<string> classes,
                                         IReadOnlyDictionary<string, IReadOnlyList<VocDetection>> detections, bool use07Metric)
    {
        var ap = new double[classes.Count, Thresholds.Count];
        for (int c = 0; c < classes.Count; c++)
        {
            var dets = detections.TryGetValue(classes[c], out var d) ? d : [];
            for (int t = 0; t < Thresholds.Count; t++)
                ap[c, t] = 100 * ClassAp(annotations, classes[c], dets, Thresholds[t] / 100.0, use07Metric);
        }
        return new VocEvaluation(classes, Thresholds, ap);
    }

    /// <summary>AP of one class at one IoU threshold (a fraction, not percent).</summary>
    public static double ClassAp(IReadOnlyList<VocAnnotation> annotations, string className, IReadOnlyList<VocDetection> detections,
                                 double threshold, bool use07Metric)
    {
        var truth = new Dictionary<string, (VocObject[] Objects, bool[] Taken)>();
        int positives = 0;
        foreach (var a in annotations)
        {
            var objects = a.Objects.Where(o => o.Name == className).ToArray();
            truth[a.ImageId] = (objects, new bool[objects.Length]);
            positives += objects.Count(o => !o.Difficult);
        }
        if (positives == 0) return double.NaN;
        // numpy's argsort here is not stable; a stable order makes ties reproducible.
        var sorted = detections.OrderByDescending(x => x.Score).ToArray();
        var tp = new double[sorted.Length];
        var fp = new double[sorted.Length];
        for (int k = 0; k < sorted.Length; k++)
        {
            var det = sorted[k];
            if (!truth.TryGetValue(det.ImageId, out var image))
                throw new ArgumentException($"Detection of class '{className}' is for image '{det.ImageId}', which is not in the evaluated split.");
            double best = double.NegativeInfinity;
            int match = -1;
            for (int g = 0; g < image.Objects.Length; g++)
            {
                double iou = InclusiveIou(det, image.Objects[g]);
                if (iou > best) { best = iou; match = g; }
            }
            if (best > threshold)
            {
                if (image.Objects[match].Difficult) continue;
                if (!image.Taken[match]) { tp[k] = 1; image.Taken[match] = true; }
                else fp[k] = 1;
            }
            else fp[k] = 1;
        }
        var recall = new double[sorted.Length];
        var precision = new double[sorted.Length];
        double tpSum = 0, fpSum = 0;
        for (int k = 0; k < sorted.Length; k++)
        {
            tpSum += tp[k];
            fpSum += fp[k];
            recall[k] = tpSum / positives;
            // A detection matching only a difficult object first would divide 0 by 0.
            precision[k] = tpSum / Math.Max(tpSum + fpSum, MachineEpsilon);
        }
        return use07Metric ? VocAveragePrecision.ElevenPoint(recall, precision) : VocAveragePrecision.Area(recall, precision);
    }

    /// <summary>IoU with VOC's inclusive pixels: a box from 1 to 10 is 10 pixels wide.</summary>
    public static double InclusiveIou(VocDetection d, VocObject g)
    {
        double iw = Math.Max(Math.Min(g.XMax, d.X2) - Math.Max(g.XMin, d.X1) + 1.0, 0.0);
        double ih = Math.Max(Math.Min(g.YMax, d.Y2) - Math.Max(g.YMin, d.Y1) + 1.0, 0.0);
        double inter = iw * ih;
        double union = (d.X2 - d.X1 + 1.0) * (d.Y2 - d.Y1 + 1.0) + (g.XMax - g.XMin + 1.0) * (g.YMax - g.YMin + 1.0) - inter;
        return inter / union;
    }
}
