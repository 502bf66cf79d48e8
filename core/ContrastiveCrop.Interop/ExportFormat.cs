namespace ContrastiveCrop.Interop;

/// <summary>What <c>ccrop export</c> writes.</summary>
public enum ExportFormat
{
    /// <summary>A torch.save zip of the torchvision state dict (no fc): <c>resnetNN().load_state_dict(sd, strict=False)</c> misses only fc.</summary>
    Torchvision,
    /// <summary>A torch.save zip of <c>{"model": detectron2 names, "__author__", "matching_heuristics": True}</c> for DetectionCheckpointer.</summary>
    Detectron2,
    /// <summary>A safetensors file with torchvision names and the provenance in <c>__metadata__</c>.</summary>
    Safetensors,
}
