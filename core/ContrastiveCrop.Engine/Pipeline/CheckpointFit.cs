using ContrastiveCrop.Interop;
using ContrastiveCrop.Sdk.Checkpoints;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// Whether a <c>from_checkpoint</c> file fits the recipe's backbone, from the file's headers alone (no tensor data is
/// read): the rules <see cref="BackboneCheckpoint.Load"/> applies when the run loads it, so a checkpoint of another
/// depth or width is one recipe error before the run folder exists, instead of a failure after it.
/// </summary>
internal static class CheckpointFit
{
    /// <summary>Where a pretraining checkpoint keeps the backbone (the methods' shared base registers it there).</summary>
    private const string BackbonePrefix = "model/backbone.";

    /// <summary>The problem, worded for the user, or null when the file fits <paramref name="model"/> (name → shape).</summary>
    /// <exception cref="CheckpointException">A ccrop checkpoint is not one, is truncated, or is of another format version.</exception>
    /// <exception cref="InteropException">A PyTorch or safetensors file cannot be imported.</exception>
    public static string? Check(string path, IReadOnlyDictionary<string, long[]> model)
    {
        if (CheckpointSniffer.Sniff(path) == CheckpointFormat.ContrastiveCrop)
        {
            var (info, tensors) = CheckpointFile.ReadShapes(path);
            var saved = tensors.Where(kv => kv.Key.StartsWith(BackbonePrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[BackbonePrefix.Length..], kv => kv.Value.Shape);
            // TrainingSnapshot.RestoreModule wants exactly the model's names.
            var method = info.Method.Length > 0 ? $"{info.Method}, " : "";
            return Compare($"'{path}' ({method}epochs completed: {info.CompletedEpochs})", saved, model, countersMayBeMissing: false);
        }
        var file = PretrainedBackbone.ReadShapes(path);
        // BackboneImporter.Load lets batch-norm counters be missing: torchvision's published files have none.
        return Compare(file.Describe(), file.Shapes, model, countersMayBeMissing: true);
    }

    private static string? Compare(string what, IReadOnlyDictionary<string, long[]> saved, IReadOnlyDictionary<string, long[]> model, bool countersMayBeMissing)
    {
        string? detail = null;
        foreach (var (name, shape) in model)
            if (saved.TryGetValue(name, out var stored) && !stored.SequenceEqual(shape))
            {
                detail = $"its '{name}' has shape [{string.Join(", ", stored)}] but the recipe's backbone has [{string.Join(", ", shape)}]";
                break;
            }
        var missing = model.Keys.Where(n => !saved.ContainsKey(n) && !(countersMayBeMissing && n.EndsWith(".num_batches_tracked", StringComparison.Ordinal))).ToList();
        var unexpected = saved.Keys.Where(n => !model.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        if (detail is null && missing.Count > 0) detail = $"it has no '{missing[0]}' ({missing.Count} of the backbone's {model.Count} tensors missing)";
        if (detail is null && unexpected.Count > 0) detail = $"its '{unexpected[0]}' is not in the recipe's backbone ({unexpected.Count} such tensors)";
        if (detail is null) return null;
        var fileSignature = ResNetSignature.Of(saved);
        var modelSignature = ResNetSignature.Of(model);
        string advice = fileSignature is null || modelSignature is null
            ? "Set pretrain.backbone to the backbone the checkpoint was trained with (its run's recipe.yaml has it)."
            : fileSignature.OptionsToMatch(modelSignature) is { Length: > 0 } change
                ? $"It holds {fileSignature.Describe()}; the recipe's is {modelSignature.Describe()}: set {change} in pretrain.backbone."
                : "Set pretrain.backbone to the backbone the checkpoint was trained with (its run's recipe.yaml has it).";
        return $"{what} does not fit pretrain.backbone: {detail}. {advice}";
    }
}
