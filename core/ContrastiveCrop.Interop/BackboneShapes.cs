namespace ContrastiveCrop.Interop;

/// <summary>
/// The ResNet backbone in a PyTorch or safetensors file as its headers describe it (names and shapes, no values):
/// what <see cref="PretrainedBackbone.ReadShapes"/> returns, to check a file against a network before any work.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Format">Its format.</param>
/// <param name="Root">Where in the file the backbone was found ("" for a bare state dict).</param>
/// <param name="Tensors">The backbone's tensors by torchvision name (no <c>fc</c>).</param>
public sealed record BackboneShapes(string Path, CheckpointFormat Format, string Root, IReadOnlyDictionary<string, StoredTensor> Tensors)
{
    /// <summary>The shapes alone, by torchvision name.</summary>
    public IReadOnlyDictionary<string, long[]> Shapes => Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Shape);

    /// <summary>The network these tensors belong to.</summary>
    public ResNetSignature Signature => ResNetSignature.Of(Shapes)
                                        ?? throw new InvalidOperationException("A recognised backbone always has conv1 and layer1.");

    /// <summary>Where the tensors come from, worded as <see cref="ImportedBackbone.Describe"/> words it.</summary>
    public string Describe() =>
        $"'{Path}' ({CheckpointSniffer.Describe(Format)}, {(Root.Length == 0 ? "a bare torchvision state dict" : $"tensors under '{Root}'")})";
}
