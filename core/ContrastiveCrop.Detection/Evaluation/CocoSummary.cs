using System.Globalization;
using System.Text;

namespace ContrastiveCrop.Detection.Evaluation;

/// <summary>
/// The twelve COCO summary numbers (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm,
/// ARl); −1 where nothing could be measured, as pycocotools reports it.
/// </summary>
public sealed record CocoSummary(CocoIouType IouType, double[] Stats)
{
    /// <summary>AP at IoU 0.50:0.95, all areas, 100 detections.</summary>
    public double Ap => Stats[0];
    /// <summary>AP at IoU 0.5.</summary>
    public double Ap50 => Stats[1];
    /// <summary>AP at IoU 0.75.</summary>
    public double Ap75 => Stats[2];

    private static readonly (bool Ap, double? Iou, string Area, int MaxDets)[] Rows =
    [
        (true, null, "all", 100), (true, 0.5, "all", 100), (true, 0.75, "all", 100),
        (true, null, "small", 100), (true, null, "medium", 100), (true, null, "large", 100),
        (false, null, "all", 1), (false, null, "all", 10), (false, null, "all", 100),
        (false, null, "small", 100), (false, null, "medium", 100), (false, null, "large", 100),
    ];

    /// <summary>Which statistic each row is: (is AP, IoU or null for 0.50:0.95, area range, max detections).</summary>
    internal static IReadOnlyList<(bool Ap, double? Iou, string Area, int MaxDets)> Layout => Rows;

    /// <summary>The twelve lines in pycocotools' layout.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Rows.Length; i++)
        {
            var (ap, iou, area, maxDets) = Rows[i];
            string title = ap ? "Average Precision" : "Average Recall";
            string kind = ap ? "(AP)" : "(AR)";
            string iouText = iou is { } t ? t.ToString("0.00", CultureInfo.InvariantCulture) : "0.50:0.95";
            text.Append(CultureInfo.InvariantCulture, $" {title,-18} {kind} @[ IoU={iouText,-9} | area={area,6} | maxDets={maxDets,3} ] = {Stats[i]:0.000}\n");
        }
        return text.ToString();
    }
}
