using ContrastiveCrop.Contracts;
using ContrastiveCrop.Detection.Formats;

namespace ContrastiveCrop.Plugins.Detection.Data;

/// <summary>
/// The images of one split with contiguous class indices, read from a VOCdevkit or a COCO instances
/// file, plus what its evaluator needs (VOC annotations or the COCO data set).
/// </summary>
internal sealed class DetectionSplit
{
    private DetectionSplit(IReadOnlyList<string> classes, IReadOnlyList<DetectionRecord> records)
    {
        Classes = classes;
        Records = records;
    }

    /// <summary>Class names in index order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The images.</summary>
    public IReadOnlyList<DetectionRecord> Records { get; }

    /// <summary>VOC annotations of the images (VOC splits only).</summary>
    public IReadOnlyList<VocAnnotation>? VocAnnotations { get; private init; }

    /// <summary>VOC year of the split (decides the 11-point metric), e.g. 2007.</summary>
    public string? VocYear { get; private init; }

    /// <summary>The COCO data set (COCO splits only).</summary>
    public CocoDataset? Coco { get; private init; }

    /// <summary>COCO category id of each class index (COCO splits only).</summary>
    public IReadOnlyList<long>? CategoryIds { get; private init; }

    /// <summary>
    /// Reads VOC image sets <c>year/split</c> (e.g. <c>2007/trainval</c>, several are concatenated).
    /// As detectron2's loader: xmin/ymin become x1 = xmin − 1, y1 = ymin − 1; difficult objects are kept for training.
    /// </summary>
    public static DetectionSplit FromVoc(string devkitRoot, IReadOnlyList<string> sets, IReadOnlyList<string> classes)
    {
        if (!Directory.Exists(devkitRoot))
            throw new DatasetException($"VOC devkit '{devkitRoot}' does not exist: point devkit at the folder holding VOC2007/ (and VOC2012/).");
        var devkit = new VocDevkit(devkitRoot);
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var records = new List<DetectionRecord>();
        var annotations = new List<VocAnnotation>();
        string? year = null;
        foreach (var set in sets)
        {
            var parts = set.Split('/');
            if (parts.Length != 2) throw new DatasetException($"VOC set '{set}' must be 'year/split', e.g. 2007/trainval.");
            year ??= parts[0];
            foreach (var id in devkit.ReadSplit(parts[0], parts[1]))
            {
                var annotation = devkit.ReadAnnotation(parts[0], id);
                annotations.Add(annotation);
                var objects = new List<DetectionObject>();
                foreach (var o in annotation.Objects)
                {
                    if (!classIndex.TryGetValue(o.Name, out int c))
                        throw new DatasetException($"{devkit.AnnotationPath(parts[0], id)}: object class '{o.Name}' is not in the class list ({string.Join(", ", classes)}); set the task's classes.");
                    objects.Add(new DetectionObject([o.XMin - 1, o.YMin - 1, o.XMax, o.YMax], c, null, null));
                }
                records.Add(new DetectionRecord(devkit.ImagePath(parts[0], id), id, 0, annotation.Height, annotation.Width, objects));
            }
        }
        return new DetectionSplit(classes, records) { VocAnnotations = annotations, VocYear = year };
    }

    /// <summary>
    /// Reads a COCO instances file; classes are the categories by increasing id. Crowd objects are
    /// left out of training (they stay in the evaluator's ground truth).
    /// </summary>
    public static DetectionSplit FromCoco(string instancesJson, string imageFolder)
    {
        if (!File.Exists(instancesJson)) throw new DatasetException($"COCO instances file '{instancesJson}' does not exist.");
        if (!Directory.Exists(imageFolder)) throw new DatasetException($"COCO image folder '{imageFolder}' does not exist.");
        var coco = CocoJson.ReadInstances(instancesJson);
        var categories = coco.Categories.OrderBy(c => c.Id).ToList();
        var index = categories.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var byImage = coco.Annotations.Where(a => !a.IsCrowd).ToLookup(a => a.ImageId);
        var records = coco.Images.Select(image => new DetectionRecord(
            Path.Combine(imageFolder, image.FileName), image.FileName, image.Id, image.Height, image.Width,
            byImage[image.Id].Select(a => new DetectionObject(
                [a.Bbox[0], a.Bbox[1], a.Bbox[0] + a.Bbox[2], a.Bbox[1] + a.Bbox[3]], index[a.CategoryId],
                a.Segmentation?.Polygons, a.Segmentation?.Polygons is null ? a.Segmentation?.Rle : null)).ToList())).ToList();
        return new DetectionSplit(categories.Select(c => c.Name).ToList(), records)
        {
            Coco = coco, CategoryIds = categories.Select(c => c.Id).ToList(),
        };
    }

    /// <summary>The images that have at least one object (detectron2 drops empty images from training).</summary>
    public IReadOnlyList<DetectionRecord> NonEmpty() => [.. Records.Where(r => r.Objects.Count > 0)];
}
