using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Interop;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// Loads a pretrained backbone for evaluation-only recipes (<c>from_checkpoint</c>): the tensors under
/// <c>model/backbone.</c> of a pretraining checkpoint, which every method built on the shared base
/// registers its backbone as, or a ResNet from a PyTorch / safetensors file (torchvision, MoCo, SimCLR,
/// SimSiam, BYOL layouts; see ContrastiveCrop.Interop).
/// </summary>
public static class BackboneCheckpoint
{
    /// <summary>The value of <c>from_checkpoint</c> that evaluates an untrained backbone.</summary>
    public const string Random = "random";

    /// <summary>
    /// Resolves <paramref name="from"/> (a .pt file, a run folder, or <c>random</c>; relative to the recipe)
    /// and loads it into <paramref name="backbone"/>; returns the checkpoint path, or null for random.
    /// </summary>
    public static string? Load(IBackbone backbone, string from, string recipePath, RunContext run)
    {
        if (from == Random)
        {
            run.Log("Evaluating a randomly initialised backbone (from_checkpoint: random).");
            return null;
        }
        var path = Resolve(from, recipePath);
        if (CheckpointSniffer.Sniff(path) != CheckpointFormat.ContrastiveCrop)
        {
            LoadForeign(backbone, path, run);
            return path;
        }
        var (info, tensors) = CheckpointFile.Load(path);
        try
        {
            TrainingSnapshot.RestoreModule(path, tensors, backbone.Network, "model/backbone.");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        run.Log($"Loaded the backbone of '{path}' ({info.Method}, {info.CompletedEpochs} epochs, {info.Step} steps).");
        return path;
    }

    /// <summary>A PyTorch or safetensors file: the import checks every name and shape before copying anything.</summary>
    private static void LoadForeign(IBackbone backbone, string path, RunContext run)
    {
        try
        {
            using var imported = PretrainedBackbone.Read(path);
            var report = BackboneImporter.Load(backbone.Network, imported, "the recipe's pretrain.backbone section");
            run.Log($"Imported the backbone of {report.Summary()}.");
        }
        catch (InteropException e)
        {
            throw new CheckpointException($"from_checkpoint: {e.Message}");
        }
    }

    /// <summary>A .pt path, or a run folder's checkpoints/last.pt.</summary>
    public static string Resolve(string from, string recipePath)
    {
        var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(recipePath))!, from));
        if (Directory.Exists(path)) path = Path.Combine(path, "checkpoints", PretrainingEngine.LastCheckpoint);
        if (!File.Exists(path))
            throw new CheckpointException($"from_checkpoint: '{path}' does not exist. Give a checkpoint (.pt), a run folder, a PyTorch or safetensors file, or 'random'.");
        return path;
    }
}
