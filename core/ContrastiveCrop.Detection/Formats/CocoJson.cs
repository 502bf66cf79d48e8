using System.Text.Json;
using ContrastiveCrop.Detection.Masks;

namespace ContrastiveCrop.Detection.Formats;

/// <summary>
/// Reads COCO instances files and COCO results files, checking every element the evaluators rely
/// on and naming the offending JSON path when one is wrong.
/// </summary>
public static class CocoJson
{
    /// <summary>Reads an instances file (images, categories, annotations).</summary>
    public static CocoDataset ReadInstances(string path)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new DetectionFormatException(path, "$", "an instances file must be a JSON object with images, annotations and categories");
        var images = Array(path, root, "images", "$").Select((e, i) => ReadImage(path, e, $"images[{i}]")).ToList();
        var categories = Array(path, root, "categories", "$").Select((e, i) =>
            new CocoCategory(Long(path, e, "id", $"categories[{i}]"), String(path, e, "name", $"categories[{i}]"))).ToList();
        var byId = new Dictionary<long, CocoImage>();
        foreach (var (image, i) in images.Select((m, i) => (m, i)))
            if (!byId.TryAdd(image.Id, image)) throw new DetectionFormatException(path, $"images[{i}].id", $"image id {image.Id} appears twice");
        var categoryIds = categories.Select(c => c.Id).ToHashSet();
        var annotations = new List<CocoAnnotation>();
        int index = 0;
        foreach (var e in Array(path, root, "annotations", "$"))
        {
            string where = $"annotations[{index++}]";
            long imageId = Long(path, e, "image_id", where);
            if (!byId.TryGetValue(imageId, out var image)) throw new DetectionFormatException(path, where + ".image_id", $"image {imageId} is not in images");
            long categoryId = Long(path, e, "category_id", where);
            if (!categoryIds.Contains(categoryId)) throw new DetectionFormatException(path, where + ".category_id", $"category {categoryId} is not in categories");
            var bbox = Box(path, e, where);
            bool crowd = e.TryGetProperty("iscrowd", out var c) && c.ValueKind == JsonValueKind.Number && c.GetInt32() != 0;
            var segmentation = e.TryGetProperty("segmentation", out var s) ? ReadSegmentation(path, s, where + ".segmentation", image.Height, image.Width) : null;
            double area = e.TryGetProperty("area", out var a) && a.ValueKind == JsonValueKind.Number
                ? a.GetDouble()
                : throw new DetectionFormatException(path, where + ".area", "missing or not a number (COCO evaluation uses it for the area ranges)");
            annotations.Add(new CocoAnnotation(Long(path, e, "id", where), imageId, categoryId, bbox, area, crowd, segmentation));
        }
        return new CocoDataset(images, categories, annotations);
    }

    /// <summary>
    /// Reads a results file: a JSON array of {image_id, category_id, score, bbox | segmentation}.
    /// Every image must be one of <paramref name="groundTruth"/>'s.
    /// </summary>
    public static IReadOnlyList<CocoDetection> ReadResults(string path, CocoDataset groundTruth, bool needSegmentation)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array) throw new DetectionFormatException(path, "$", "a results file must be a JSON array of detections");
        var detections = new List<CocoDetection>();
        // As pycocotools' loadRes: the first result decides whether areas come from boxes or masks.
        bool boxAreas = root.GetArrayLength() > 0 && root[0].ValueKind == JsonValueKind.Object
                        && root[0].TryGetProperty("bbox", out var firstBox) && firstBox.ValueKind == JsonValueKind.Array && firstBox.GetArrayLength() > 0;
        int index = 0;
        foreach (var e in root.EnumerateArray())
        {
            string where = $"[{index++}]";
            long imageId = Long(path, e, "image_id", where);
            if (!groundTruth.ImagesById.TryGetValue(imageId, out var image))
                throw new DetectionFormatException(path, where + ".image_id", $"image {imageId} is not in the ground-truth file; results must be for the same image set");
            long categoryId = Long(path, e, "category_id", where);
            double score = e.TryGetProperty("score", out var sc) && sc.ValueKind == JsonValueKind.Number ? sc.GetDouble()
                : throw new DetectionFormatException(path, where + ".score", "missing or not a number");
            Rle? mask = null;
            double[]? bbox = null;
            if (needSegmentation)
            {
                if (!e.TryGetProperty("segmentation", out var s)) throw new DetectionFormatException(path, where + ".segmentation", "missing; segm evaluation needs a mask per detection");
                var segmentation = ReadSegmentation(path, s, where + ".segmentation", image.Height, image.Width);
                mask = segmentation.ToRle(image.Height, image.Width);
                if (mask.Height != image.Height || mask.Width != image.Width)
                    throw new DetectionFormatException(path, where + ".segmentation.size", $"mask is {mask.Height}×{mask.Width} but image {imageId} is {image.Height}×{image.Width}");
            }
            if (!needSegmentation || boxAreas) bbox = Box(path, e, where);
            double area = bbox is not null ? bbox[2] * bbox[3] : mask!.Area();
            detections.Add(new CocoDetection(imageId, categoryId, score, bbox, mask, area));
        }
        return detections;
    }

    private static JsonDocument Parse(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"'{Path.GetFullPath(path)}' does not exist.", path);
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            var (where, reason) = CocoOutline.Describe(e);
            throw new DetectionFormatException(Path.GetFullPath(path), where, $"not valid JSON: {reason}. Fix or regenerate the file.", e);
        }
    }

    private static CocoImage ReadImage(string path, JsonElement e, string where)
    {
        long id = Long(path, e, "id", where);
        int width = (int)Long(path, e, "width", where), height = (int)Long(path, e, "height", where);
        if (width <= 0 || height <= 0) throw new DetectionFormatException(path, where, $"image {id} has size {width}×{height}");
        string file = e.TryGetProperty("file_name", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "";
        return new CocoImage(id, width, height, file);
    }

    private static CocoSegmentation ReadSegmentation(string path, JsonElement s, string where, int height, int width)
    {
        try
        {
            if (s.ValueKind == JsonValueKind.Array)
            {
                var polygons = new List<IReadOnlyList<double>>();
                int i = 0;
                foreach (var p in s.EnumerateArray())
                {
                    if (p.ValueKind != JsonValueKind.Array || p.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                        throw new DetectionFormatException(path, $"{where}[{i}]", "a polygon must be an array of numbers");
                    var xy = p.EnumerateArray().Select(v => v.GetDouble()).ToArray();
                    if (xy.Length < 6 || xy.Length % 2 != 0)
                        throw new DetectionFormatException(path, $"{where}[{i}]", $"a polygon needs an even number (≥ 6) of coordinates, got {xy.Length}");
                    polygons.Add(xy);
                    i++;
                }
                return new CocoSegmentation(polygons, null);
            }
            if (s.ValueKind == JsonValueKind.Object)
            {
                if (!s.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Array || size.GetArrayLength() != 2)
                    throw new DetectionFormatException(path, where + ".size", "an RLE needs size [height, width]");
                int h = size[0].GetInt32(), w = size[1].GetInt32();
                if (!s.TryGetProperty("counts", out var counts)) throw new DetectionFormatException(path, where + ".counts", "an RLE needs counts");
                Rle rle = counts.ValueKind switch
                {
                    JsonValueKind.String => RleString.Decode(counts.GetString()!, h, w),
                    JsonValueKind.Array => new Rle(h, w, [.. counts.EnumerateArray().Select(c => c.GetUInt32())]),
                    _ => throw new DetectionFormatException(path, where + ".counts", "counts must be a string or an array of integers"),
                };
                if (h != height || w != width)
                    throw new DetectionFormatException(path, where + ".size", $"RLE size {h}×{w} differs from the image's {height}×{width}");
                return new CocoSegmentation(null, rle);
            }
            throw new DetectionFormatException(path, where, "segmentation must be a list of polygons or an RLE object");
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new DetectionFormatException(path, where, e.Message, e);
        }
    }

    private static double[] Box(string path, JsonElement e, string where)
    {
        if (!e.TryGetProperty("bbox", out var b) || b.ValueKind != JsonValueKind.Array || b.GetArrayLength() != 4 || b.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
            throw new DetectionFormatException(path, where + ".bbox", "bbox must be [x, y, width, height]");
        var box = b.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        if (box[2] < 0 || box[3] < 0) throw new DetectionFormatException(path, where + ".bbox", $"negative width or height in [{string.Join(", ", box)}]");
        return box;
    }

    private static IEnumerable<JsonElement> Array(string path, JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array)
            throw new DetectionFormatException(path, $"{where}.{name}", "missing or not an array");
        return a.EnumerateArray();
    }

    private static long Long(string path, JsonElement e, string name, string where)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new DetectionFormatException(path, where, "expected a JSON object");
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var value))
            throw new DetectionFormatException(path, $"{where}.{name}", "missing or not an integer");
        return value;
    }

    private static string String(string path, JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String)
            throw new DetectionFormatException(path, $"{where}.{name}", "missing or not a string");
        return v.GetString()!;
    }
}
