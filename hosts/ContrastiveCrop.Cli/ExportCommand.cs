using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Interop;
using TorchSharp;

namespace ContrastiveCrop.Cli;

/// <summary>
/// ccrop export: a pretrained backbone (a run folder, a ccrop checkpoint, or a PyTorch / safetensors
/// ResNet file) written for PyTorch users: torchvision names, detectron2 names, or safetensors.
/// </summary>
internal static class ExportCommand
{
    /// <summary>The checkpoint section every method built on the shared base registers its backbone under.</summary>
    private const string BackbonePrefix = "model/backbone.";

    public static Command Build()
    {
        var source = new Argument<string>("source") { Description = "A run folder (its checkpoints/last.pt), a ccrop checkpoint (.pt), or a PyTorch / safetensors ResNet file." };
        var format = new Option<string>("--format") { Description = "torchvision, detectron2 or safetensors.", Required = true };
        format.AcceptOnlyFromAmong("torchvision", "detectron2", "safetensors");
        var output = new Option<string>("--out") { Description = "File to write (.pth for torchvision and detectron2, .safetensors).", Required = true };
        var export = new Command("export", "Write a pretrained backbone as a torchvision state dict, a detectron2 checkpoint or a safetensors file.")
        {
            source, format, output,
        };
        export.SetAction(p => Commands.Guard(p, () => Reported(() => Export(p.GetValue(source)!, p.GetValue(format)!, p.GetValue(output)!))));
        return export;
    }

    public static int Export(string source, string formatName, string output)
    {
        var format = formatName switch
        {
            "torchvision" => ExportFormat.Torchvision,
            "detectron2" => ExportFormat.Detectron2,
            _ => ExportFormat.Safetensors,
        };
        // The file's folder is checked before the backbone is read: a wrong --out is named as typed, not by its temporary file.
        var target = Path.GetFullPath(output);
        if (Directory.Exists(target))
            throw new UsageException($"--out '{target}' is a folder: give the file to write, e.g. --out {Path.Combine(output, "backbone" + (formatName == "safetensors" ? ".safetensors" : ".pth"))}.");
        Commands.RequireWritableFolder(Path.GetDirectoryName(target)!, $"--out '{output}'", "the export");
        var (tensors, provenance) = ReadBackbone(Path.GetFullPath(source));
        try
        {
            var signature = ResNetSignature.Of(tensors.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
            if (signature is not null) provenance["ccrop.architecture"] = signature.Describe();
            provenance["ccrop.names"] = format == ExportFormat.Detectron2 ? "detectron2" : "torchvision";
            var where = BackboneExporter.Write(output, format, tensors, provenance);
            Console.WriteLine($"Wrote {tensors.Count} backbone tensors ({signature?.Describe() ?? "not a ResNet"}) as {formatName} to {Path.GetFullPath(output)}; provenance in {where}.");
            Console.WriteLine(format switch
            {
                ExportFormat.Torchvision => "PyTorch: m = torchvision.models.resnetNN(); m.load_state_dict(torch.load(path), strict=False)  # only fc is missing",
                ExportFormat.Detectron2 => "detectron2: MODEL.WEIGHTS path, with MODEL.PIXEL_MEAN [123.675, 116.28, 103.53], PIXEL_STD [58.395, 57.12, 57.375], RESNETS.STRIDE_IN_1X1 False, INPUT.FORMAT RGB",
                _ => "Python: safetensors.torch.load_file(path) gives the torchvision state dict (without fc)",
            });
            return 0;
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>The backbone's tensors by torchvision name and what is known of where they came from.</summary>
    private static (Dictionary<string, torch.Tensor> Tensors, Dictionary<string, string> Provenance) ReadBackbone(string source)
    {
        string? runFolder = null;
        var checkpoint = source;
        if (Directory.Exists(source))
        {
            runFolder = RunDirectory.Open(source).Path;
            checkpoint = Path.Combine(runFolder, "checkpoints", PretrainingEngine.LastCheckpoint);
            if (!File.Exists(checkpoint))
                throw new InteropException($"Run folder '{source}' has no checkpoints/{PretrainingEngine.LastCheckpoint}: it has not finished an epoch of pretraining.");
        }
        var provenance = new Dictionary<string, string>
        {
            ["ccrop.source"] = checkpoint,
            ["ccrop.exported_by"] = $"ccrop {typeof(ExportCommand).Assembly.GetName().Version}",
        };
        if (CheckpointSniffer.Sniff(checkpoint) != CheckpointFormat.ContrastiveCrop)
        {
            using var imported = PretrainedBackbone.Read(checkpoint);
            provenance["ccrop.source_layout"] = imported.Describe();
            foreach (var (key, value) in imported.Metadata) provenance[$"source.{key}"] = value;
            // The imported record disposes its tensors; the export gets its own copies.
            return (imported.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone()), provenance);
        }

        var (info, all) = CheckpointFile.Load(checkpoint);
        var backbone = new Dictionary<string, torch.Tensor>();
        foreach (var (name, tensor) in all)
        {
            if (name.StartsWith(BackbonePrefix, StringComparison.Ordinal)) backbone[name[BackbonePrefix.Length..]] = tensor;
            else tensor.Dispose();
        }
        if (backbone.Count == 0)
            throw new InteropException($"'{checkpoint}' has no '{BackbonePrefix}' tensors: it is not a pretraining checkpoint (a detection checkpoint cannot be exported).");
        provenance["ccrop.method"] = info.Method;
        provenance["ccrop.epochs"] = info.CompletedEpochs.ToString(CultureInfo.InvariantCulture);
        provenance["ccrop.steps"] = info.Step.ToString(CultureInfo.InvariantCulture);
        provenance["ccrop.seed"] = info.Seed.ToString(CultureInfo.InvariantCulture);
        provenance["ccrop.saved_utc"] = info.SavedUtc.ToString("O", CultureInfo.InvariantCulture);
        runFolder ??= RunFolderOf(checkpoint);
        if (runFolder is not null) AddRunProvenance(runFolder, provenance);
        return (backbone, provenance);
    }

    /// <summary>The run folder holding checkpoints/FILE, when there is one.</summary>
    private static string? RunFolderOf(string checkpoint)
    {
        var folder = Path.GetDirectoryName(Path.GetDirectoryName(checkpoint));
        return folder is not null && File.Exists(Path.Combine(folder, "recipe.yaml")) ? folder : null;
    }

    private static void AddRunProvenance(string runFolder, Dictionary<string, string> provenance)
    {
        var run = RunDirectory.Open(runFolder);
        provenance["ccrop.run"] = run.Path;
        if (File.Exists(run.ManifestFile))
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(run.ManifestFile));
            if (manifest.RootElement.TryGetProperty("recipe", out var recipe)) provenance["ccrop.recipe"] = recipe.GetString() ?? "";
        }
        var resolved = RecipeLoader.Load(run.RecipeFile, []);
        if (Scalar(resolved, "name") is { } name) provenance["ccrop.recipe_name"] = name;
        if (resolved.TryGetValue("pretrain", out var pretrain) && pretrain is RecipeMapping section)
        {
            foreach (var part in new[] { "method", "sampler", "backbone" })
                if (section.TryGetValue(part, out var node) && node is RecipeMapping choice && Scalar(choice, "name") is { } plugin)
                    provenance[$"ccrop.{part}"] = plugin;
            if (Scalar(section, "epochs") is { } epochs) provenance["ccrop.recipe_epochs"] = epochs;
        }
    }

    private static string? Scalar(RecipeMapping mapping, string key) =>
        mapping.TryGetValue(key, out var node) && node is RecipeScalar scalar && !scalar.IsNull ? scalar.Value : null;

    private static int Reported(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not (FileNotFoundException or DirectoryNotFoundException))
        {
            // A read-only folder or a full disk: the user picks another --out.
            Console.Error.WriteLine($"error: cannot write the export: {e.Message} Choose another --out.");
            return Commands.UserError;
        }
    }
}
