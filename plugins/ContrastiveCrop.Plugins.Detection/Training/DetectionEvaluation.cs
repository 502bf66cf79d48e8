using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Detection.Evaluation;
using ContrastiveCrop.Detection.Formats;
using ContrastiveCrop.Detection.Masks;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using ContrastiveCrop.Sdk.Training;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Training;

/// <summary>
/// Inference on the test split (shorter side <c>min_size_test</c>, no flip), detections mapped back
/// to original image coordinates (masks pasted there), written as a COCO results JSON, then scored:
/// VOC splits with the VOC evaluator (AP, AP50, AP75), COCO splits with the COCO evaluator (the 12
/// numbers for bbox, and for segm with masks); both also per class (<see cref="PerClassMetrics"/>).
/// </summary>
internal sealed class DetectionEvaluation(RcnnOptions options, IRunContext run, string stage)
{
    /// <summary>
    /// Runs inference and evaluation; returns the metrics and the results file's path. An <paramref name="interim"/>
    /// evaluation (during training) writes no results file.
    /// </summary>
    public (Dictionary<string, double> Metrics, string ResultsPath, double ImagesPerSecond) Evaluate(RcnnC4 model, DetectionSplit test, bool interim = false)
    {
        model.eval();
        var records = options.TestLimit > 0 ? test.Records.Take(options.TestLimit).ToList() : test.Records;
        var coco = new List<CocoDetection>();
        var voc = test.Classes.ToDictionary(c => c, _ => new List<VocDetection>());
        // One test image: its detections in original coordinates, added to the VOC and COCO lists.
        void Infer(DetectionRecord record)
        {
            using var scope = NewDisposeScope();
            var (h, w) = DetectionTransform.ResizedSize(record.Height, record.Width, options.MinSizeTest, options.MaxSizeTest);
            var image = DetectionTransform.LoadImage(record, h, w, flip: false, run.InputNormalization);
            var batch = DetectionTransform.Batch([image]);
            var detections = model.Infer(batch with { Tensor = batch.Tensor.to(run.Device) })[0];
            // TorchSharp cannot read the elements of an empty tensor; an image without detections adds nothing.
            if (detections.Scores.shape[0] == 0) return;
            // detectron2's detector_postprocess: scale boxes to the original size, clip, paste masks there.
            var scale = tensor(new float[] { (float)record.Width / w, (float)record.Height / h, (float)record.Width / w, (float)record.Height / h }).to(run.Device);
            var boxes = ContrastiveCrop.Detection.Boxes.BoxOps.Clip(detections.Boxes * scale, record.Height, record.Width).cpu();
            var pasted = detections.Masks is null ? null : MaskPaster.Paste(detections.Masks.cpu(), boxes, record.Height, record.Width);
            var b = boxes.data<float>().ToArray();
            var scores = detections.Scores.cpu().data<float>().ToArray();
            var classes = detections.Classes.cpu().data<long>().ToArray();
            for (int i = 0; i < scores.Length; i++)
            {
                double x1 = b[4 * i], y1 = b[4 * i + 1], x2 = b[4 * i + 2], y2 = b[4 * i + 3];
                if (test.VocAnnotations is not null)
                    // detectron2's VOC writer adds back the 1 its loader subtracted from xmin/ymin, rounding to 1 and 3 decimals.
                    voc[test.Classes[(int)classes[i]]].Add(new VocDetection(record.Id, Math.Round(scores[i], 3),
                        Math.Round(x1 + 1, 1), Math.Round(y1 + 1, 1), Math.Round(x2, 1), Math.Round(y2, 1)));
                Rle? rle = null;
                if (pasted is not null)
                {
                    var bits = pasted[i].to(ScalarType.Byte).data<byte>().ToArray();
                    rle = Rle.Encode(bits, record.Height, record.Width);
                }
                long category = test.CategoryIds?[(int)classes[i]] ?? classes[i] + 1;
                coco.Add(new CocoDetection(record.CocoId, category, scores[i], [x1, y1, x2 - x1, y2 - y1], rle, (x2 - x1) * (y2 - y1)));
            }
        }

        var watch = Stopwatch.StartNew();
        // The host's progress display (bar with elapsed time and ETA) for the test pass.
        var progress = RunServices.Progress(run);
        progress?.Started($"{stage}: inference on {records.Count} test images", 0, records.Count);
        try
        {
            int done = 0;
            foreach (var record in records)
            {
                run.Cancellation.ThrowIfCancellationRequested();
                Infer(record);
                done++;
                progress?.Advanced(done, string.Create(CultureInfo.InvariantCulture, $"{stage}: inference {done}/{records.Count}  {done / watch.Elapsed.TotalSeconds:F1} img/s"));
            }
        }
        finally
        {
            progress?.Stopped();
        }
        double imagesPerSecond = records.Count / watch.Elapsed.TotalSeconds;
        var resultsPath = Path.Combine(run.RunDirectory, stage, "coco_results.json");
        // In a data-parallel job every rank evaluates its replica (so none waits in a collective meanwhile); rank 0 writes.
        if (!interim && RunServices.ProcessGroup(run).Rank == 0) WriteResults(resultsPath, coco);
        var metrics = new Dictionary<string, double>();
        if (test.VocAnnotations is not null)
        {
            var ids = records.Select(r => r.Id).ToHashSet();
            var evaluation = VocEvaluator.Evaluate([.. test.VocAnnotations.Where(a => ids.Contains(a.ImageId))], test.Classes,
                voc.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<VocDetection>)kv.Value), use07Metric: test.VocYear == "2007");
            metrics["AP"] = evaluation.Ap;
            metrics["AP50"] = evaluation.Ap50;
            metrics["AP75"] = evaluation.Ap75;
            foreach (var (name, value) in PerClassMetrics.Voc(evaluation)) metrics[name] = value;
        }
        else
        {
            var gt = test.Coco!;
            var ids = records.Select(r => r.CocoId).ToHashSet();
            if (ids.Count < gt.Images.Count)
                gt = new CocoDataset([.. gt.Images.Where(i => ids.Contains(i.Id))], gt.Categories, [.. gt.Annotations.Where(a => ids.Contains(a.ImageId))]);
            Add(metrics, "bbox", CocoIouType.Bbox, gt, coco, test.Classes);
            if (model.Architecture.Masks) Add(metrics, "segm", CocoIouType.Segm, gt, coco, test.Classes);
        }
        return (metrics, resultsPath, imagesPerSecond);
    }

    private static readonly string[] StatNames = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];

    private static void Add(Dictionary<string, double> metrics, string prefix, CocoIouType type, CocoDataset gt, IReadOnlyList<CocoDetection> detections, IReadOnlyList<string> classes)
    {
        var (precision, recall) = CocoEvaluator.Accumulate(gt, detections, type);
        var summary = CocoEvaluator.Summarize(type, precision, recall);
        for (int i = 0; i < StatNames.Length; i++)
            metrics[$"{prefix}_{StatNames[i]}"] = summary.Stats[i] < 0 ? summary.Stats[i] : 100 * summary.Stats[i];
        foreach (var (name, value) in PerClassMetrics.Coco(prefix, precision, classes)) metrics[name] = value;
    }

    private static void WriteResults(string path, IReadOnlyList<CocoDetection> detections)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var stream = File.Create(path + ".tmp"))
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartArray();
            foreach (var d in detections)
            {
                json.WriteStartObject();
                json.WriteNumber("image_id", d.ImageId);
                json.WriteNumber("category_id", d.CategoryId);
                json.WriteStartArray("bbox");
                foreach (var v in d.Bbox!) json.WriteNumberValue(Math.Round(v, 2));
                json.WriteEndArray();
                json.WriteNumber("score", Math.Round(d.Score, 5));
                if (d.Segmentation is { } rle)
                {
                    json.WriteStartObject("segmentation");
                    json.WriteStartArray("size"); json.WriteNumberValue(rle.Height); json.WriteNumberValue(rle.Width); json.WriteEndArray();
                    json.WriteString("counts", RleString.Encode(rle));
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
