namespace ContrastiveCrop.Detection.Evaluation;

/// <summary>
/// pycocotools' default evaluation parameters, with its floating-point values reproduced:
/// IoU thresholds and recall points come from numpy's linspace (i·step + start, the last set to
/// the end point), which decides ties where a recall or IoU equals a threshold.
/// </summary>
public static class CocoParameters
{
    /// <summary>IoU thresholds 0.50:0.05:0.95 (10).</summary>
    public static readonly double[] IouThresholds = Linspace(0.5, 0.95, 10);
    /// <summary>Recall points 0:0.01:1 (101).</summary>
    public static readonly double[] RecallThresholds = Linspace(0.0, 1.0, 101);
    /// <summary>Detections per image considered.</summary>
    public static readonly int[] MaxDetections = [1, 10, 100];
    /// <summary>Area ranges all, small, medium, large.</summary>
    public static readonly (string Name, double Low, double High)[] AreaRanges =
    [
        ("all", 0, 1e5 * 1e5), ("small", 0, 32 * 32), ("medium", 32 * 32, 96 * 96), ("large", 96 * 96, 1e5 * 1e5),
    ];

    private static double[] Linspace(double start, double stop, int count)
    {
        double step = (stop - start) / (count - 1);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }
}
