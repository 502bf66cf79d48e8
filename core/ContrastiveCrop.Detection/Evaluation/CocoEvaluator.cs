using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ContrastiveCrop.Detection.Formats;
using ContrastiveCrop.Detection.Masks;

namespace ContrastiveCrop.Detection.Evaluation;

/// <summary>
/// COCO detection and segmentation evaluation with pycocotools' semantics (COCOeval with default
/// parameters): per image and category, detections sorted by score (stable) and cut at 100 are
/// matched greedily to the unmatched ground truth of highest IoU ≥ t, preferring non-ignored ground
/// truth; crowd ground truth can absorb any number of detections (IoU = intersection / detection
/// area) and, like ground truth outside the area range, is ignored along with what matches it.
/// Precision is made non-increasing and read at 101 recall points.
/// </summary>
public static class CocoEvaluator
{
    private const double Spacing1 = 2.220446049250313e-16; // numpy's spacing(1)

    private sealed record Truth(double[] Bbox, double Area, bool Crowd, Rle? Mask);

    private sealed record Detection(double[] Bbox, double Area, double Score, Rle? Mask);

    /// <summary>What one image and category contribute at one area range.</summary>
    private sealed record ImageResult(double[] Scores, bool[,] Matched, bool[,] Ignored, bool[] TruthIgnored);

    /// <summary>Evaluates detections against a ground-truth set and returns the twelve summary numbers.</summary>
    public static CocoSummary Evaluate(CocoDataset groundTruth, IReadOnlyList<CocoDetection> detections, CocoIouType iouType)
    {
        var (precision, recall) = Accumulate(groundTruth, detections, iouType);
        return Summarize(iouType, precision, recall);
    }

    /// <summary>
    /// Precision [T, R, K, A, M] and recall [T, K, A, M] (−1 where undefined), categories in
    /// increasing id order; exposed for per-category reports.
    /// </summary>
    public static (double[,,,,] Precision, double[,,,] Recall) Accumulate(CocoDataset groundTruth, IReadOnlyList<CocoDetection> detections, CocoIouType iouType)
    {
        var imageIds = groundTruth.Images.Select(i => i.Id).Order().ToArray();
        var categoryIds = groundTruth.Categories.Select(c => c.Id).Order().ToArray();
        var truths = groundTruth.Annotations
            .GroupBy(a => (a.ImageId, a.CategoryId))
            .ToDictionary(g => g.Key, g => g.Select(a => ToTruth(a, groundTruth, iouType)).ToArray());
        var dets = detections
            .GroupBy(d => (d.ImageId, d.CategoryId))
            .ToDictionary(g => g.Key, g => g.Select(d => ToDetection(d, iouType)).ToArray());

        var thresholds = CocoParameters.IouThresholds;
        var recallPoints = CocoParameters.RecallThresholds;
        var areas = CocoParameters.AreaRanges;
        var maxDets = CocoParameters.MaxDetections;
        int T = thresholds.Length, R = recallPoints.Length, K = categoryIds.Length, A = areas.Length, M = maxDets.Length;
        var precision = new double[T, R, K, A, M];
        var recall = new double[T, K, A, M];
        Fill(precision, -1);
        Fill(recall, -1);

        for (int k = 0; k < K; k++)
        {
            var perImage = new (Truth[] G, Detection[] D, double[,] Iou)[imageIds.Length];
            for (int i = 0; i < imageIds.Length; i++)
            {
                var g = truths.GetValueOrDefault((imageIds[i], categoryIds[k])) ?? [];
                var d = (dets.GetValueOrDefault((imageIds[i], categoryIds[k])) ?? [])
                    .OrderByDescending(x => x.Score).Take(maxDets[^1]).ToArray();
                perImage[i] = (g, d, Ious(d, g, iouType));
            }
            for (int a = 0; a < A; a++)
            {
                var results = perImage
                    .Select(p => EvaluateImage(p.G, p.D, p.Iou, areas[a].Low, areas[a].High, maxDets[^1]))
                    .Where(r => r is not null).Select(r => r!).ToArray();
                if (results.Length == 0) continue;
                for (int m = 0; m < M; m++)
                    AccumulateCell(results, maxDets[m], thresholds.Length, recallPoints, precision, recall, k, a, m);
            }
        }
        return (precision, recall);
    }

    private static void AccumulateCell(ImageResult[] results, int maxDet, int T, double[] recallPoints,
                                       double[,,,,] precision, double[,,,] recall, int k, int a, int m)
    {
        // Concatenate each image's first maxDet detections, then sort all by score (stable).
        var entries = new List<(double Score, int Image, int Index)>();
        for (int e = 0; e < results.Length; e++)
            for (int d = 0; d < Math.Min(maxDet, results[e].Scores.Length); d++)
                entries.Add((results[e].Scores[d], e, d));
        var order = entries.OrderByDescending(x => x.Score).ToArray();
        int positives = results.Sum(r => r.TruthIgnored.Count(ig => !ig));
        if (positives == 0) return;
        int nd = order.Length;
        for (int t = 0; t < T; t++)
        {
            var tp = new double[nd];
            var fp = new double[nd];
            double tpSum = 0, fpSum = 0;
            for (int j = 0; j < nd; j++)
            {
                var (_, e, d) = order[j];
                bool matched = results[e].Matched[t, d], ignored = results[e].Ignored[t, d];
                if (matched && !ignored) tpSum++;
                if (!matched && !ignored) fpSum++;
                tp[j] = tpSum;
                fp[j] = fpSum;
            }
            var rc = new double[nd];
            var pr = new double[nd];
            for (int j = 0; j < nd; j++)
            {
                rc[j] = tp[j] / positives;
                pr[j] = tp[j] / (fp[j] + tp[j] + Spacing1);
            }
            recall[t, k, a, m] = nd > 0 ? rc[nd - 1] : 0;
            for (int j = nd - 1; j > 0; j--)
                if (pr[j] > pr[j - 1]) pr[j - 1] = pr[j];
            for (int r = 0; r < recallPoints.Length; r++)
            {
                int p = LowerBound(rc, recallPoints[r]);
                precision[t, r, k, a, m] = p < nd ? pr[p] : 0;
            }
        }
    }

    /// <summary>First index with rc[i] ≥ value (numpy searchsorted, side left).</summary>
    private static int LowerBound(double[] rc, double value)
    {
        int lo = 0, hi = rc.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (rc[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static ImageResult? EvaluateImage(Truth[] truths, Detection[] dets, double[,] ious, double areaLow, double areaHigh, int maxDet)
    {
        if (truths.Length == 0 && dets.Length == 0) return null;
        // Ground truth that is crowd or outside the area range is ignored; it goes last (stable).
        var truthIgnored = truths.Select(g => g.Crowd || g.Area < areaLow || g.Area > areaHigh).ToArray();
        var gOrder = Enumerable.Range(0, truths.Length).OrderBy(i => truthIgnored[i] ? 1 : 0).ToArray();
        int D = Math.Min(dets.Length, maxDet), G = truths.Length, T = CocoParameters.IouThresholds.Length;
        var truthTaken = new bool[T, G];
        var matched = new bool[T, D];
        var ignored = new bool[T, D];
        for (int t = 0; t < T; t++)
            for (int d = 0; d < D; d++)
            {
                double best = Math.Min(CocoParameters.IouThresholds[t], 1 - 1e-10);
                int m = -1;
                for (int gi = 0; gi < G; gi++)
                {
                    int g = gOrder[gi];
                    if (truthTaken[t, gi] && !truths[g].Crowd) continue;
                    // Once matched to a regular ground truth, the ignored ones (sorted last) cannot take over.
                    if (m > -1 && !truthIgnored[gOrder[m]] && truthIgnored[g]) break;
                    if (ious[d, g] < best) continue;
                    best = ious[d, g];
                    m = gi;
                }
                if (m == -1) continue;
                ignored[t, d] = truthIgnored[gOrder[m]];
                matched[t, d] = true;
                truthTaken[t, m] = true;
            }
        // Unmatched detections outside the area range are ignored too.
        for (int d = 0; d < D; d++)
            if (dets[d].Area < areaLow || dets[d].Area > areaHigh)
                for (int t = 0; t < T; t++)
                    if (!matched[t, d]) ignored[t, d] = true;
        var scores = dets.Take(D).Select(x => x.Score).ToArray();
        return new ImageResult(scores, matched, ignored, [.. gOrder.Select(g => truthIgnored[g])]);
    }

    private static double[,] Ious(Detection[] dets, Truth[] truths, CocoIouType iouType)
    {
        var iou = new double[dets.Length, truths.Length];
        for (int d = 0; d < dets.Length; d++)
            for (int g = 0; g < truths.Length; g++)
                iou[d, g] = iouType == CocoIouType.Segm
                    ? Rle.Iou(dets[d].Mask!, truths[g].Mask!, truths[g].Crowd)
                    : BoxIou(dets[d].Bbox, truths[g].Bbox, truths[g].Crowd);
        return iou;
    }

    /// <summary>IoU of [x, y, w, h] boxes; against crowd ground truth, intersection / detection area.</summary>
    public static double BoxIou(double[] d, double[] g, bool crowd)
    {
        double w = Math.Min(d[0] + d[2], g[0] + g[2]) - Math.Max(d[0], g[0]);
        if (w <= 0) return 0;
        double h = Math.Min(d[1] + d[3], g[1] + g[3]) - Math.Max(d[1], g[1]);
        if (h <= 0) return 0;
        double inter = w * h, da = d[2] * d[3];
        return inter / (crowd ? da : da + g[2] * g[3] - inter);
    }

    private static Truth ToTruth(CocoAnnotation a, CocoDataset dataset, CocoIouType iouType)
    {
        Rle? mask = null;
        if (iouType == CocoIouType.Segm)
        {
            if (a.Segmentation is null)
                throw new ArgumentException($"Annotation {a.Id} (image {a.ImageId}) has no segmentation; segm evaluation needs masks for every ground truth.");
            var image = dataset.ImagesById[a.ImageId];
            mask = a.Segmentation.ToRle(image.Height, image.Width);
        }
        return new Truth(a.Bbox, a.Area, a.IsCrowd, mask);
    }

    private static Detection ToDetection(CocoDetection d, CocoIouType iouType)
    {
        if (iouType == CocoIouType.Segm)
        {
            var mask = d.Segmentation ?? throw new ArgumentException($"A detection of image {d.ImageId} has no segmentation; segm evaluation needs masks.");
            return new Detection([], d.Area, d.Score, mask);
        }
        var box = d.Bbox ?? throw new ArgumentException($"A detection of image {d.ImageId} has no bbox.");
        return new Detection(box, d.Area, d.Score, null);
    }

    /// <summary>The twelve summary numbers of an <see cref="Accumulate"/> result (so a caller needing both accumulates once).</summary>
    public static CocoSummary Summarize(CocoIouType iouType, double[,,,,] precision, double[,,,] recall)
    {
        var layout = CocoSummary.Layout;
        var stats = new double[layout.Count];
        int K = precision.GetLength(2), R = precision.GetLength(1), T = precision.GetLength(0);
        for (int s = 0; s < layout.Count; s++)
        {
            var (isAp, iou, area, maxDets) = layout[s];
            int a = Array.FindIndex(CocoParameters.AreaRanges, r => r.Name == area);
            int m = Array.IndexOf(CocoParameters.MaxDetections, maxDets);
            // pycocotools selects the threshold by exact equality with its linspace values.
            var ts = iou is { } v ? Enumerable.Range(0, T).Where(t => CocoParameters.IouThresholds[t] == v) : Enumerable.Range(0, T);
            var values = new List<double>();
            foreach (int t in ts)
                for (int k = 0; k < K; k++)
                    if (isAp)
                    {
                        for (int r = 0; r < R; r++)
                            if (precision[t, r, k, a, m] > -1) values.Add(precision[t, r, k, a, m]);
                    }
                    else if (recall[t, k, a, m] > -1) values.Add(recall[t, k, a, m]);
            stats[s] = values.Count == 0 ? -1 : values.Average();
        }
        return new CocoSummary(iouType, stats);
    }

    private static void Fill(Array array, double value)
    {
        // Multi-dimensional arrays are contiguous; view them as one span of doubles.
        var span = MemoryMarshal.CreateSpan(ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
        span.Fill(value);
    }
}
