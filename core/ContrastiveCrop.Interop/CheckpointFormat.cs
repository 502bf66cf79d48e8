namespace ContrastiveCrop.Interop;

/// <summary>What a checkpoint file is, judged from its first bytes (never from its extension).</summary>
public enum CheckpointFormat
{
    /// <summary>None of the formats below.</summary>
    Unknown,
    /// <summary>This platform's own checkpoint (magic <c>CCROPCK1</c>).</summary>
    ContrastiveCrop,
    /// <summary>A <c>torch.save</c> file in the zip format (PyTorch ≥ 1.6).</summary>
    TorchZip,
    /// <summary>A <c>torch.save</c> file in the legacy pickle format (PyTorch &lt; 1.6, or <c>_use_new_zipfile_serialization=False</c>).</summary>
    TorchLegacy,
    /// <summary>A plain Python pickle (e.g. a detectron2 <c>.pkl</c> with numpy arrays).</summary>
    Pickle,
    /// <summary>A safetensors file.</summary>
    Safetensors,
}
