using static TorchSharp.torch;

namespace ContrastiveCrop.Interop;

/// <summary>
/// A ResNet backbone read from a PyTorch or safetensors file, renamed to torchvision's names (no
/// <c>fc</c>), with an account of what else the file held. Owns its tensors.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Format">Its format.</param>
/// <param name="Root">Where in the file the backbone was found, e.g. <c>state_dict.module.encoder_q.</c> ("" for a bare state dict).</param>
/// <param name="Tensors">The backbone's tensors by torchvision name.</param>
/// <param name="DroppedHeads">File names of the classifier / projection head found under the root (<c>fc.*</c>), not loaded.</param>
/// <param name="Ignored">File names outside the root (momentum encoders, queues, predictors, optimiser state), not loaded.</param>
/// <param name="Metadata">The file's metadata (safetensors <c>__metadata__</c>), empty for other formats.</param>
public sealed record ImportedBackbone(
    string Path, CheckpointFormat Format, string Root, IReadOnlyDictionary<string, Tensor> Tensors,
    IReadOnlyList<string> DroppedHeads, IReadOnlyList<string> Ignored, IReadOnlyDictionary<string, string> Metadata) : IDisposable
{
    /// <summary>The network these tensors belong to.</summary>
    public ResNetSignature Signature => ResNetSignature.Of(Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.shape))
                                        ?? throw new InvalidOperationException("An imported backbone always has conv1 and layer1.");

    /// <summary>Where the tensors came from, e.g. "'r50.pth' (torch.save zip, tensors under 'state_dict.module.encoder_q.')".</summary>
    public string Describe() =>
        $"'{Path}' ({CheckpointSniffer.Describe(Format)}, {(Root.Length == 0 ? "a bare torchvision state dict" : $"tensors under '{Root}'")})";

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
