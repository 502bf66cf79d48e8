using System.Globalization;
using System.Text;
using System.Text.Json;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;

namespace ContrastiveCrop.Data;

/// <summary>
/// Writes a small detection data set: 1–3 tinted shapes (the first <see cref="Settings.Classes"/> of
/// <see cref="Clutter.ShapeNames"/>) or Fashion-MNIST items (the first classes of
/// <see cref="FashionMnistFiles.ClassNames"/>; trainval from its train split, test from its test split)
/// pasted on textured clutter, in both standard layouts over the
/// same JPEG files: a VOCdevkit (<c>VOCdevkit/VOC2007/{JPEGImages, Annotations, ImageSets/Main/{trainval,test}.txt}</c>)
/// and COCO instances files (<c>annotations/instances_{trainval,test}.json</c>, with boxes, areas and
/// uncompressed-RLE masks; <c>file_name</c> relative to the JPEGImages folder).
/// </summary>
public static class DetectionSetGenerator
{
    /// <summary>What to generate.</summary>
    /// <param name="TrainCount">trainval images.</param>
    /// <param name="TestCount">test images.</param>
    /// <param name="ImageSize">Side of the square images.</param>
    /// <param name="Seed">Same seed, same bytes.</param>
    /// <param name="Classes">How many object classes (1..10).</param>
    /// <param name="FashionMnistRoot">Folder of the Fashion-MNIST IDX files to paste items from, or null for shapes.</param>
    /// <param name="Clutter">Strength of the textured background, 0..1 (see <see cref="ContrastiveCrop.Data.Clutter.PaintBackground"/>).</param>
    /// <param name="Saturation">Saturation of the objects' tints, 0 (grey) .. 1 (see <see cref="ContrastiveCrop.Data.Clutter.Tint"/>).</param>
    public sealed record Settings(int TrainCount, int TestCount, int ImageSize, int Seed, int Classes = 3, string? FashionMnistRoot = null, double Clutter = 1, double Saturation = 1);

    /// <summary>The VOC year folder written.</summary>
    public const string Year = "2007";

    /// <summary>Generates the set under <paramref name="output"/>; returns the class names.</summary>
    public static IReadOnlyList<string> Generate(string output, Settings settings, Action<string>? log = null)
    {
        if (settings.ImageSize < 32) throw new ArgumentException($"--size must be at least 32 pixels, got {settings.ImageSize}.");
        if (settings.TrainCount < 1 || settings.TestCount < 1) throw new ArgumentException("--count must be at least 1 (train and test).");
        if (!(settings.Clutter is >= 0 and <= 1)) throw new ArgumentException($"--clutter must be between 0 and 1, got {settings.Clutter}.");
        if (!(settings.Saturation is >= 0 and <= 1)) throw new ArgumentException($"--saturation must be between 0 and 1, got {settings.Saturation}.");
        if (settings.Classes is < 1 or > 10) throw new ArgumentException($"--classes must be between 1 and 10, got {settings.Classes}.");
        var classes = settings.FashionMnistRoot is null
            ? Clutter.ShapeNames.Take(settings.Classes).ToList()
            : FashionMnistItems.ClassNames(settings.Classes);
        var year = Path.Combine(output, "VOCdevkit", "VOC" + Year);
        foreach (var folder in new[] { "JPEGImages", "Annotations", Path.Combine("ImageSets", "Main") })
            Directory.CreateDirectory(Path.Combine(year, folder));
        Directory.CreateDirectory(Path.Combine(output, "annotations"));
        foreach (var (split, count, splitId) in new[] { ("trainval", settings.TrainCount, 0), ("test", settings.TestCount, 1) })
        {
            var items = settings.FashionMnistRoot is { } root
                ? FashionMnistItems.Load(root, split == "trainval" ? "train" : "test", settings.Classes)
                : null;
            var scenes = new Scene[count];
            Parallel.For(0, count, i =>
            {
                var random = new Random(DeterministicSeed.Combine(settings.Seed, splitId + 7, i));
                var id = $"{split}_{i:D5}";
                scenes[i] = Render(id, settings, items, random);
                File.WriteAllBytes(Path.Combine(year, "JPEGImages", id + ".jpg"), ImageCodec.EncodeJpeg(scenes[i].Image, 95));
                File.WriteAllText(Path.Combine(year, "Annotations", id + ".xml"), VocXml(scenes[i], classes));
            });
            File.WriteAllLines(Path.Combine(year, "ImageSets", "Main", split + ".txt"), scenes.Select(s => s.Id));
            File.WriteAllBytes(Path.Combine(output, "annotations", $"instances_{split}.json"), CocoJson(scenes, classes));
            log?.Invoke($"Wrote {count} {split} images.");
        }
        return classes;
    }

    private sealed record Placed(int Label, int X1, int Y1, int X2, int Y2, byte[] Mask);

    private sealed record Scene(string Id, RgbImage Image, IReadOnlyList<Placed> Objects);

    private static Scene Render(string id, Settings settings, FashionMnistItems? items, Random random)
    {
        int size = settings.ImageSize;
        var pixels = new byte[size * size * 3];
        Clutter.PaintBackground(pixels, size, random, settings.Clutter);
        var objects = new List<Placed>();
        int count = 1 + random.Next(3);
        var occupied = new byte[size * size];
        for (int k = 0; k < count; k++)
        {
            int side = Math.Max(8, (int)Math.Round(size * (0.2 + 0.3 * random.NextDouble())));
            int top = random.Next(0, size - side + 1), left = random.Next(0, size - side + 1);
            int label = random.Next(settings.Classes);
            var tint = Clutter.Tint(random, settings.Saturation);
            var mask = new byte[size * size];
            var (minY, minX, maxY, maxX) = items is null
                ? Clutter.PasteShape(pixels, size, top, left, side, label, tint, mask, round: true)
                : FashionMnistItems.Paste(pixels, size, top, left, side, items.OfClass(label, side, random), tint, mask);
            // Later objects cover earlier ones: remove covered pixels from the earlier masks.
            foreach (var earlier in objects)
                for (int p = 0; p < mask.Length; p++)
                    if (mask[p] == 1) earlier.Mask[p] = 0;
            if (maxY >= 0) objects.Add(new Placed(label, minX, minY, maxX + 1, maxY + 1, mask));
        }
        return new Scene(id, new RgbImage(size, size, pixels), objects);
    }

    private static string VocXml(Scene scene, IReadOnlyList<string> classes)
    {
        var xml = new StringBuilder();
        int size = scene.Image.Width;
        xml.Append(CultureInfo.InvariantCulture, $"<annotation><folder>VOC{Year}</folder><filename>{scene.Id}.jpg</filename>");
        xml.Append(CultureInfo.InvariantCulture, $"<size><width>{size}</width><height>{size}</height><depth>3</depth></size>");
        foreach (var o in scene.Objects)
            // VOC boxes are 1-based inclusive pixel indices: pixel columns X1..X2−1 → xmin = X1 + 1, xmax = X2.
            xml.Append(CultureInfo.InvariantCulture,
                $"<object><name>{classes[o.Label]}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>" +
                $"<bndbox><xmin>{o.X1 + 1}</xmin><ymin>{o.Y1 + 1}</ymin><xmax>{o.X2}</xmax><ymax>{o.Y2}</ymax></bndbox></object>");
        xml.Append("</annotation>");
        return xml.ToString();
    }

    private static byte[] CocoJson(IReadOnlyList<Scene> scenes, IReadOnlyList<string> classes)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("images");
            for (int i = 0; i < scenes.Count; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", i + 1);
                json.WriteNumber("width", scenes[i].Image.Width);
                json.WriteNumber("height", scenes[i].Image.Height);
                json.WriteString("file_name", scenes[i].Id + ".jpg");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("categories");
            for (int c = 0; c < classes.Count; c++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", c + 1);
                json.WriteString("name", classes[c]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("annotations");
            int annotationId = 1;
            for (int i = 0; i < scenes.Count; i++)
            {
                int size = scenes[i].Image.Width;
                foreach (var o in scenes[i].Objects)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", annotationId++);
                    json.WriteNumber("image_id", i + 1);
                    json.WriteNumber("category_id", o.Label + 1);
                    json.WriteStartArray("bbox");
                    json.WriteNumberValue(o.X1); json.WriteNumberValue(o.Y1); json.WriteNumberValue(o.X2 - o.X1); json.WriteNumberValue(o.Y2 - o.Y1);
                    json.WriteEndArray();
                    json.WriteNumber("area", o.Mask.Sum(b => (int)b));
                    json.WriteNumber("iscrowd", 0);
                    json.WriteStartObject("segmentation");
                    json.WriteStartArray("size"); json.WriteNumberValue(size); json.WriteNumberValue(size); json.WriteEndArray();
                    json.WriteStartArray("counts");
                    foreach (var run in ColumnMajorRuns(o.Mask, size)) json.WriteNumberValue(run);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>COCO's uncompressed RLE: alternating run lengths of 0s and 1s over the column-major mask, starting with 0s.</summary>
    private static List<int> ColumnMajorRuns(byte[] rowMajor, int size)
    {
        var runs = new List<int>();
        byte current = 0;
        int length = 0;
        for (int x = 0; x < size; x++)
        for (int y = 0; y < size; y++)
        {
            byte v = rowMajor[y * size + x];
            if (v != current) { runs.Add(length); length = 0; current = v; }
            length++;
        }
        runs.Add(length);
        return runs;
    }
}
