namespace ContrastiveCrop.Detection.Evaluation;

/// <summary>AP from a precision/recall curve, the two ways the VOC devkit defines it.</summary>
public static class VocAveragePrecision
{
    /// <summary>
    /// VOC2007's 11-point AP: the mean over t = 0, 0.1, …, 1 of the highest precision at recall ≥ t.
    /// The points are i·0.1 as numpy's arange(0, 1.1, 0.1) produces them (0.30000000000000004, …),
    /// which decides ties when a recall equals a point.
    /// </summary>
    public static double ElevenPoint(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        double ap = 0;
        for (int i = 0; i < 11; i++)
        {
            double t = i * 0.1;
            double p = 0;
            for (int k = 0; k < recall.Count; k++)
                if (recall[k] >= t) p = Math.Max(p, precision[k]);
            ap += p / 11.0;
        }
        return ap;
    }

    /// <summary>
    /// The area under the precision envelope (VOC2010 onwards): sentinels (0, 0) and (1, 0), precision
    /// made non-increasing from the right, summed over the points where recall changes.
    /// </summary>
    public static double Area(IReadOnlyList<double> recall, IReadOnlyList<double> precision)
    {
        int n = recall.Count + 2;
        var mrec = new double[n];
        var mpre = new double[n];
        mrec[n - 1] = 1.0;
        for (int k = 0; k < recall.Count; k++) { mrec[k + 1] = recall[k]; mpre[k + 1] = precision[k]; }
        for (int i = n - 1; i > 0; i--) mpre[i - 1] = Math.Max(mpre[i - 1], mpre[i]);
        double ap = 0;
        for (int i = 0; i < n - 1; i++)
            if (mrec[i + 1] != mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
        return ap;
    }
}
