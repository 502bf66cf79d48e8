using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Plugins.Backbones;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>
/// Header-only stand-ins for the files a recipe's detection stages name (VOCdevkit image sets, annotations and JPEGs,
/// COCO instances files and image folders, an <c>init: checkpoint</c> weights file of the stage's ResNet), written under a folder that the
/// relative paths are resolved against: the check before a run reads listings, annotations and file headers, never the
/// pixels, so one tiny image per set is enough for a shipped recipe to validate on a machine without VOC or COCO.
/// </summary>
internal static class FakeDetectionFiles
{
    private static readonly string[] DetectionTasks = ["faster-rcnn-c4", "mask-rcnn-c4"];

    /// <summary>Writes what every detection stage of <paramref name="recipePath"/> reads, relative to <paramref name="root"/>.</summary>
    public static void Write(string recipePath, string root)
    {
        var resolved = RecipeLoader.Load(recipePath, []);
        if (!resolved.TryGetValue("evaluate", out var evaluate) || evaluate is not RecipeSequence stages) return;
        foreach (var stage in stages.Items.OfType<RecipeMapping>())
        {
            if (!DetectionTasks.Contains(Scalar(stage, "name"))) continue;
            var format = Scalar(stage, "format") ?? "voc";
            if (format == "voc")
            {
                var classes = List(stage, "classes") is { Count: > 0 } named ? named : ["aeroplane"];
                var sets = (List(stage, "train_sets") ?? ["2007/trainval", "2012/trainval"]).Append(Scalar(stage, "test_set") ?? "2007/test");
                foreach (var set in sets) Voc(Path.Combine(root, Scalar(stage, "devkit")!), set, classes[0]);
            }
            else if (format == "coco")
            {
                Coco(Path.Combine(root, Scalar(stage, "train_json")!), Path.Combine(root, Scalar(stage, "train_images")!));
                Coco(Path.Combine(root, Scalar(stage, "test_json")!), Path.Combine(root, Scalar(stage, "test_images")!));
            }
            if (Scalar(stage, "init") == "checkpoint")
                Weights(Path.Combine(root, Scalar(stage, "checkpoint")!), int.Parse(Scalar(stage, "depth") ?? "50", CultureInfo.InvariantCulture),
                        double.Parse(Scalar(stage, "width_multiplier") ?? "1", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// A real safetensors file of the stage's ResNet (torchvision names and shapes, as the check compares them) whose
    /// values are all zero: the header is written and the file extended to its full length without writing the data,
    /// so a full-width ResNet-50 file (~100 MB) costs a few kilobytes of disk; the check reads only the header.
    /// </summary>
    private static void Weights(string path, int depth, double widthMultiplier)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var header = new JsonObject();
        long offset = 0;
        using (var network = new ResNet(new ResNetOptions(depth, widthMultiplier, false)))
            foreach (var (name, tensor) in network.state_dict())
            {
                long bytes = tensor.NumberOfElements * tensor.ElementSize;
                header[name] = new JsonObject
                {
                    ["dtype"] = tensor.dtype == ScalarType.Int64 ? "I64" : "F32",
                    ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                    ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + bytes)),
                };
                offset += bytes;
            }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        file.SetLength(8 + json.Length + offset);
    }

    private static void Voc(string devkit, string set, string className)
    {
        var (year, split) = (set.Split('/')[0], set.Split('/')[1]);
        var folder = Path.Combine(devkit, "VOC" + year);
        var id = $"{year}_{split}_000001";
        foreach (var sub in new[] { "ImageSets/Main", "Annotations", "JPEGImages" }) Directory.CreateDirectory(Path.Combine(folder, sub));
        File.WriteAllText(Path.Combine(folder, "ImageSets", "Main", split + ".txt"), id + "\n");
        File.WriteAllText(Path.Combine(folder, "Annotations", id + ".xml"),
            $"<annotation><size><width>8</width><height>8</height></size><object><name>{className}</name>" +
            "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></object></annotation>");
        File.WriteAllBytes(Path.Combine(folder, "JPEGImages", id + ".jpg"), [0xff, 0xd8, 0xff]);
    }

    private static void Coco(string json, string images)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        Directory.CreateDirectory(images);
        File.WriteAllText(json, """
            {"images": [{"id": 1, "width": 8, "height": 8, "file_name": "a.jpg"}],
             "categories": [{"id": 1, "name": "thing"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 3, 3], "area": 9, "iscrowd": 0,
                              "segmentation": [[1, 1, 4, 1, 4, 4, 1, 4]]}]}
            """);
        File.WriteAllBytes(Path.Combine(images, "a.jpg"), [0xff, 0xd8, 0xff]);
    }

    private static string? Scalar(RecipeMapping mapping, string key) =>
        mapping.TryGetValue(key, out var node) && node is RecipeScalar scalar ? scalar.Value : null;

    private static List<string>? List(RecipeMapping mapping, string key) =>
        mapping.TryGetValue(key, out var node) && node is RecipeSequence list ? list.Items.OfType<RecipeScalar>().Select(s => s.Value).ToList() : null;
}
