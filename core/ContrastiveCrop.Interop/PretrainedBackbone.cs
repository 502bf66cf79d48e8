using static TorchSharp.torch;

namespace ContrastiveCrop.Interop;

/// <summary>Reads a ResNet backbone from a PyTorch (zip) or safetensors file in any layout <see cref="ResNetLayoutRecognizer"/> knows.</summary>
public static class PretrainedBackbone
{
    /// <summary>Reads <paramref name="path"/>; the caller disposes the result.</summary>
    /// <exception cref="InteropException">The file is missing, in another format, damaged, or holds no ResNet.</exception>
    public static ImportedBackbone Read(string path)
    {
        var format = Format(path);
        Dictionary<string, Tensor> tensors;
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
        if (format == CheckpointFormat.Safetensors)
        {
            var (read, readMetadata) = SafetensorsFile.Read(path);
            (tensors, metadata) = (read, readMetadata);
        }
        else
        {
            tensors = TorchZipReader.Read(path);
        }
        return ResNetLayoutRecognizer.Recognize(path, format, tensors, metadata);
    }

    /// <summary>
    /// The shapes <see cref="Read"/> would return (torchvision names, no <c>fc</c>) from the file's headers alone: a
    /// safetensors header, or a torch.save zip's pickle and directory; no tensor data is read. A file is refused
    /// here when <see cref="Read"/> refuses it, with the same message.
    /// </summary>
    /// <exception cref="InteropException">As <see cref="Read"/>.</exception>
    public static BackboneShapes ReadShapes(string path)
    {
        var format = Format(path);
        var tensors = format == CheckpointFormat.Safetensors ? SafetensorsFile.ReadShapes(path) : TorchZipReader.ReadShapes(path);
        var (root, backbone) = ResNetLayoutRecognizer.RecognizeShapes(path, tensors);
        return new BackboneShapes(path, format, root.Prefix, backbone);
    }

    /// <summary>The file's format when it is one this class reads.</summary>
    private static CheckpointFormat Format(string path)
    {
        var format = CheckpointSniffer.Sniff(path);
        if (format == CheckpointFormat.ContrastiveCrop)
            throw new InteropException(
                $"'{path}' is a ccrop checkpoint, not a PyTorch file: give it as from_checkpoint, or convert it with ccrop export '{path}' --format safetensors --out FILE.");
        if (CheckpointSniffer.Unsupported(path, format) is { } why) throw new InteropException(why);
        return format;
    }
}
