using System.Diagnostics;
using System.Globalization;
using ContrastiveCrop.Detection.Boxes;
using ContrastiveCrop.Detection.Evaluation;
using ContrastiveCrop.Detection.Formats;
using static TorchSharp.torch;

// Evidence tool (see BENCHMARKS.md):
//   DetectionCrossCheck instances.json results.json → "bbox s0 … s11" and "segm s0 … s11" at 12 decimals.
//   DetectionCrossCheck roialign-bench → forward and forward+backward time of C4-sized RoIAlign.
//   DetectionCrossCheck blocks DIR SEED → inputs and our outputs of box coder, matcher, NMS, RoIAlign for blocks_crosscheck.py.
if (args.Length == 3 && args[0] == "blocks")
{
    BuildingBlocks.Write(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    return;
}
if (args.Length == 1 && args[0] == "roialign-bench")
{
    // C4 at 800 × 1333: res4 map 1024 × 50 × 84; 512 sampled ROIs per image; 14 × 14 output.
    var generator = manual_seed(0);
    var features = randn([1, 1024, 50, 84], generator: generator).requires_grad_(true);
    var xy = rand([512, 2], generator: generator) * tensor(new float[] { 1200, 700 });
    var wh = rand([512, 2], generator: generator) * 400 + 16;
    var rois = cat([zeros(512, 1), xy, xy + wh], 1);
    var op = new RoiAlign(14, 14, 1.0 / 16);
    for (int run = 0; run < 4; run++)
    {
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var output = op.Forward(features, rois);
        double forward = clock.Elapsed.TotalMilliseconds;
        output.sum().backward();
        Console.WriteLine($"run {run}: forward {forward:F0} ms, forward+backward {clock.Elapsed.TotalMilliseconds:F0} ms");
        features.grad!.zero_();
    }
    return;
}
var groundTruth = CocoJson.ReadInstances(args[0]);
foreach (var type in new[] { CocoIouType.Bbox, CocoIouType.Segm })
{
    var detections = CocoJson.ReadResults(args[1], groundTruth, type == CocoIouType.Segm);
    var summary = CocoEvaluator.Evaluate(groundTruth, detections, type);
    Console.WriteLine((type == CocoIouType.Bbox ? "bbox " : "segm ") + string.Join(" ", summary.Stats.Select(v => v.ToString("F12", CultureInfo.InvariantCulture))));
}
