using System.Text.Json;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Detection.Formats;
using ContrastiveCrop.Interop;

namespace ContrastiveCrop.Plugins.Detection.Data;

/// <summary>
/// The files a detection stage names, checked before any work (<see cref="IInputChecks"/>): without this, a missing
/// devkit, image set or annotation file, a malformed COCO instances file, a class the annotations use but the options do not list, or a weights file
/// that cannot be imported was found only after the whole pretraining. Reads what the task's own loader reads up
/// front (image-set lists, VOC annotation XMLs, COCO instances files) and lists image folders; it decodes no image.
/// </summary>
internal static class RcnnInputCheck
{
    /// <summary>
    /// COCO instances files up to this size are parsed here as the stage parses them (every element checked); larger ones
    /// are read in one streaming pass (<see cref="CocoOutline"/>: JSON syntax, the three top-level arrays, the image file
    /// names), because holding COCO's 450 MB train2017 file as a document twice (here and when the stage starts) would
    /// cost more memory and time than the check saves.
    /// </summary>
    public const long CocoParseLimit = 64L << 20;

    /// <summary>Every problem with the files <paramref name="options"/> name; empty when the stage can read them.</summary>
    public static IReadOnlyList<OptionError> Check(RcnnOptions options)
    {
        var errors = new List<OptionError>();
        // A generated set is written by the stage itself into the run folder: there is nothing to check yet.
        if (options.Format == "voc") Voc(options, errors);
        else if (options.Format == "coco") Coco(options, errors);
        if (options.Init == "checkpoint" && options.Checkpoint.Length > 0) Weights(options, errors);
        return errors;
    }

    private static void Voc(RcnnOptions options, List<OptionError> errors)
    {
        if (options.Devkit.Length == 0) return; // Validate() already asks for it.
        var root = Path.GetFullPath(options.Devkit);
        if (!Directory.Exists(root))
        {
            errors.Add(new OptionError("devkit", File.Exists(root)
                ? $"'{root}' is a file; point devkit at the VOCdevkit folder (the one holding VOC2007/)."
                : $"'{root}' does not exist; point devkit at the VOCdevkit folder (the one holding VOC2007/ and VOC2012/)."));
            return;
        }
        var classes = options.Classes.Count > 0 ? options.Classes : VocDevkit.StandardClasses;
        var repeated = classes.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToList();
        if (repeated.Count > 0)
            errors.Add(new OptionError("classes", $"{string.Join(", ", repeated)} listed more than once; each class needs one index."));
        var known = classes.ToHashSet(StringComparer.Ordinal);
        var devkit = new VocDevkit(root);
        // Class name → the first annotation file that uses it, for one message with an example of each.
        var unknown = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var sets = options.TrainSets.Select((set, i) => (Key: $"train_sets[{i}]", Set: set)).Append(("test_set", options.TestSet));
        foreach (var (key, set) in sets)
        {
            var parts = set.Split('/');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                errors.Add(new OptionError(key, $"'{set}' must be year/split, e.g. 2007/trainval."));
                continue;
            }
            var (year, split) = (parts[0], parts[1]);
            IReadOnlyList<string> ids;
            try
            {
                ids = devkit.ReadSplit(year, split);
            }
            catch (Exception e) when (e is DetectionFormatException or IOException or UnauthorizedAccessException)
            {
                errors.Add(new OptionError(key, $"{e.Message}. Name an image set the devkit has (VOC{year}/ImageSets/Main/*.txt)."));
                continue;
            }
            if (ids.Count == 0)
            {
                errors.Add(new OptionError(key, $"'{Path.Combine(devkit.YearFolder(year), "ImageSets", "Main", split + ".txt")}' lists no images."));
                continue;
            }
            CheckVocImages(devkit, year, split, ids, key, known, unknown, errors);
        }
        if (unknown.Count > 0)
        {
            var list = options.Classes.Count > 0 ? $"classes ({string.Join(", ", options.Classes)})" : "the 20 standard VOC classes (classes is empty)";
            var examples = string.Join("; ", unknown.Take(5).Select(kv => $"'{kv.Key}' in '{kv.Value}'"));
            errors.Add(new OptionError("classes",
                $"the annotations use {unknown.Count} class(es) not in {list}: {examples}{(unknown.Count > 5 ? "; ..." : "")}. List every class the annotations use."));
        }
    }

    /// <summary>Each listed image's annotation reads and its JPEG exists; the first problem of a set is reported, with how many share it.</summary>
    private static void CheckVocImages(VocDevkit devkit, string year, string split, IReadOnlyList<string> ids, string key,
                                       HashSet<string> known, SortedDictionary<string, string> unknown, List<OptionError> errors)
    {
        string? missingImage = null;
        int missingImages = 0;
        foreach (var id in ids)
        {
            VocAnnotation annotation;
            try
            {
                annotation = devkit.ReadAnnotation(year, id);
            }
            catch (Exception e) when (e is DetectionFormatException or IOException or UnauthorizedAccessException)
            {
                errors.Add(new OptionError(key, $"{e.Message} (image '{id}' of {year}/{split}); fix or remove that file."));
                return;
            }
            foreach (var o in annotation.Objects)
                if (!known.Contains(o.Name)) unknown.TryAdd(o.Name, devkit.AnnotationPath(year, id));
            if (!File.Exists(devkit.ImagePath(year, id)))
            {
                missingImage ??= devkit.ImagePath(year, id);
                missingImages++;
            }
        }
        if (missingImage is not null)
            errors.Add(new OptionError(key, $"{missingImages} of the {ids.Count} images listed are missing, e.g. '{missingImage}'."));
    }

    private static void Coco(RcnnOptions options, List<OptionError> errors)
    {
        foreach (var (jsonKey, json, imagesKey, images) in new[]
                 {
                     ("train_json", options.TrainJson, "train_images", options.TrainImages),
                     ("test_json", options.TestJson, "test_images", options.TestImages),
                 })
        {
            if (json.Length == 0 || images.Length == 0) continue; // Validate() already asks for them.
            var jsonPath = Path.GetFullPath(json);
            var folder = Path.GetFullPath(images);
            bool folderOk = Directory.Exists(folder);
            if (!folderOk)
                errors.Add(new OptionError(imagesKey, File.Exists(folder)
                    ? $"'{folder}' is a file; give the folder holding the images the instances file names."
                    : $"'{folder}' does not exist; give the folder holding the images the instances file names."));
            if (Directory.Exists(jsonPath))
            {
                errors.Add(new OptionError(jsonKey, $"'{jsonPath}' is a folder; give the COCO instances file (e.g. annotations/instances_train2017.json)."));
                continue;
            }
            if (!File.Exists(jsonPath))
            {
                errors.Add(new OptionError(jsonKey, $"'{jsonPath}' does not exist; give the COCO instances file (e.g. annotations/instances_train2017.json)."));
                continue;
            }
            int categories;
            IReadOnlyList<string> files;
            try
            {
                if (new FileInfo(jsonPath).Length > CocoParseLimit)
                {
                    var outline = CocoOutline.Read(jsonPath);
                    (categories, files) = (outline.Categories, outline.ImageFiles);
                }
                else
                {
                    var coco = CocoJson.ReadInstances(jsonPath);
                    (categories, files) = (coco.Categories.Count, coco.Images.Select(i => i.FileName).ToList());
                }
            }
            catch (Exception e) when (e is DetectionFormatException or JsonException or IOException or UnauthorizedAccessException)
            {
                errors.Add(new OptionError(jsonKey, e is DetectionFormatException ? e.Message : $"'{jsonPath}' cannot be read as a COCO instances file: {e.Message}"));
                continue;
            }
            if (categories == 0)
                errors.Add(new OptionError(jsonKey, $"'{jsonPath}' has no categories: the detector would have no class to learn."));
            if (!folderOk) continue;
            var missing = files.Select(f => Path.Combine(folder, f)).Where(p => !File.Exists(p)).ToList();
            if (missing.Count > 0)
                errors.Add(new OptionError(imagesKey, $"{missing.Count} of the {files.Count} images '{jsonPath}' lists are not in '{folder}', e.g. '{missing[0]}'."));
        }
    }

    /// <summary>
    /// The <c>init: checkpoint</c> file: its format, then its backbone's names and shapes against the detector's, read from
    /// the file's headers only (a ResNet-50 file's 100 MB of data are not read), so a file of another depth or width is
    /// reported now rather than when the stage starts, after the pretraining.
    /// </summary>
    private static void Weights(RcnnOptions options, List<OptionError> errors)
    {
        var path = Path.GetFullPath(options.Checkpoint);
        if (Directory.Exists(path))
        {
            errors.Add(new OptionError("checkpoint", $"'{path}' is a folder; give the weights file (PyTorch .pth/.pt or .safetensors)."));
            return;
        }
        BackboneShapes file;
        try
        {
            file = PretrainedBackbone.ReadShapes(path);
        }
        catch (Exception e) when (e is InteropException or IOException or UnauthorizedAccessException)
        {
            errors.Add(new OptionError("checkpoint", e.Message));
            return;
        }
        errors.AddRange(Modeling.BackboneFit.CheckFile(options, file));
    }
}
