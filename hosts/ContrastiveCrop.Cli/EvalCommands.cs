using System.CommandLine;
using System.Globalization;
using ContrastiveCrop.Detection.Evaluation;
using ContrastiveCrop.Detection.Formats;

namespace ContrastiveCrop.Cli;

/// <summary>
/// ccrop eval coco / eval voc: the detection evaluators on files, for results from any detection stack.
/// </summary>
internal static class EvalCommands
{
    /// <summary>The <c>coco</c> and <c>voc</c> subcommands of <c>ccrop eval</c>.</summary>
    public static IEnumerable<Command> Build()
    {
        var gt = new Option<string>("--gt") { Description = "COCO instances JSON (ground truth).", Required = true };
        var results = new Option<string>("--results") { Description = "COCO results JSON: [{image_id, category_id, score, bbox|segmentation}].", Required = true };
        var iouType = new Option<string>("--iou-type") { Description = "bbox or segm.", DefaultValueFactory = _ => "bbox" };
        iouType.AcceptOnlyFromAmong("bbox", "segm");
        var coco = new Command("coco", "COCO evaluation (pycocotools semantics); prints the 12 standard numbers.") { gt, results, iouType };
        coco.SetAction(p => Commands.Guard(p, () => Reported(() => Coco(p.GetValue(gt)!, p.GetValue(results)!, p.GetValue(iouType)!))));

        var devkit = new Option<string>("--devkit") { Description = "VOCdevkit folder (holding VOC2007, VOC2012, ...).", Required = true };
        var year = new Option<string>("--year") { Description = "2007 uses the 11-point AP, other years the area AP.", DefaultValueFactory = _ => "2007" };
        var split = new Option<string>("--split") { Description = "Split in ImageSets/Main.", DefaultValueFactory = _ => "test" };
        var vocResults = new Option<string>("--results")
        {
            Description = "Folder of per-class files '..._<class>.txt' (lines: image score x1 y1 x2 y2), or a path template with {} for the class.",
            Required = true,
        };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated class names (default: the 20 VOC classes, or the names in the annotations)." };
        var voc = new Command("voc", "PASCAL VOC evaluation (detectron2 conventions); prints per-class AP and AP/AP50/AP75.") { devkit, year, split, vocResults, classes };
        voc.SetAction(p => Commands.Guard(p, () => Reported(() =>
            Voc(p.GetValue(devkit)!, p.GetValue(year)!, p.GetValue(split)!, p.GetValue(vocResults)!, p.GetValue(classes)))));

        return [coco, voc];
    }

    public static int Coco(string gtPath, string resultsPath, string iouType)
    {
        var type = iouType == "segm" ? CocoIouType.Segm : CocoIouType.Bbox;
        var groundTruth = CocoJson.ReadInstances(gtPath);
        var detections = CocoJson.ReadResults(resultsPath, groundTruth, type == CocoIouType.Segm);
        Console.WriteLine($"Evaluate annotation type *{iouType}*: {groundTruth.Images.Count} images, {groundTruth.Categories.Count} categories, " +
                          $"{groundTruth.Annotations.Count} ground-truth objects, {detections.Count} detections");
        Console.Write(CocoEvaluator.Evaluate(groundTruth, detections, type).Format());
        return 0;
    }

    public static int Voc(string devkitPath, string year, string split, string results, string? classList)
    {
        var devkit = new VocDevkit(devkitPath);
        var annotations = devkit.ReadSplit(year, split).Select(id => devkit.ReadAnnotation(year, id)).ToList();
        var classes = ClassesOf(annotations, classList);
        var detections = new Dictionary<string, IReadOnlyList<VocDetection>>();
        foreach (var name in classes)
        {
            var file = VocResultsFile.Locate(results, name);
            if (file is null) Console.Error.WriteLine($"warning: no results file for class '{name}' in {results}; counting no detections.");
            detections[name] = file is null ? [] : VocResultsFile.Read(file);
        }
        bool use07 = year == "2007";
        var evaluation = VocEvaluator.Evaluate(annotations, classes, detections, use07);
        Console.WriteLine($"VOC{year} {split}: {annotations.Count} images, {(use07 ? "11-point" : "area")} AP, IoU > t (inclusive pixels)");
        Console.WriteLine($"{"class",-14} {"AP",7} {"AP50",7} {"AP75",7}");
        int t50 = VocEvaluator.Thresholds.ToList().IndexOf(50), t75 = VocEvaluator.Thresholds.ToList().IndexOf(75);
        for (int c = 0; c < classes.Count; c++)
        {
            double ap = Enumerable.Range(0, VocEvaluator.Thresholds.Count).Average(t => evaluation.At(c, t));
            Console.WriteLine($"{classes[c],-14} {Percent(ap),7} {Percent(evaluation.At(c, t50)),7} {Percent(evaluation.At(c, t75)),7}");
        }
        Console.WriteLine($"{"mean",-14} {Percent(evaluation.Ap),7} {Percent(evaluation.Ap50),7} {Percent(evaluation.Ap75),7}");
        return 0;
    }

    private static List<string> ClassesOf(List<VocAnnotation> annotations, string? classList)
    {
        if (!string.IsNullOrWhiteSpace(classList))
            return [.. classList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var names = annotations.SelectMany(a => a.Objects).Select(o => o.Name).Distinct().ToList();
        return names.All(VocDevkit.StandardClasses.Contains) ? [.. VocDevkit.StandardClasses] : [.. names.Order(StringComparer.Ordinal)];
    }

    private static string Percent(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.00", CultureInfo.InvariantCulture);

    private static int Reported(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (DetectionFormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Commands.UserError;
        }
    }
}
