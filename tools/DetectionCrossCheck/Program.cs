using System.Globalization;
using ContrastiveCrop.Detection.Evaluation;
using ContrastiveCrop.Detection.Formats;

// Usage: DetectionCrossCheck instances.json results.json → "bbox s0 … s11" and "segm s0 … s11" at 12 decimals.
var groundTruth = CocoJson.ReadInstances(args[0]);
foreach (var type in new[] { CocoIouType.Bbox, CocoIouType.Segm })
{
    var detections = CocoJson.ReadResults(args[1], groundTruth, type == CocoIouType.Segm);
    var summary = CocoEvaluator.Evaluate(groundTruth, detections, type);
    Console.WriteLine((type == CocoIouType.Bbox ? "bbox " : "segm ") + string.Join(" ", summary.Stats.Select(v => v.ToString("F12", CultureInfo.InvariantCulture))));
}
