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
        var misfit = ShapeMisfit.Find(saved, model, countersMayBeMissing ? ShapeMisfit.IsBatchNormCounter : null);
        if (misfit is null) return null;
        string detail = misfit.Kind switch
        {
            ShapeMisfitKind.DifferentShape => $"its '{misfit.Name}' has shape {ShapeMisfit.Format(misfit.FileShape!)} but the recipe's backbone has {ShapeMisfit.Format(misfit.ModelShape!)}",
            ShapeMisfitKind.Missing => $"it has no '{misfit.Name}' ({misfit.Count} of the backbone's {model.Count} tensors missing)",
            _ => $"its '{misfit.Name}' is not in the recipe's backbone ({misfit.Count} such tensors)",
        };
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
