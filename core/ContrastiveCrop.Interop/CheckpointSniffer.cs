namespace ContrastiveCrop.Interop;

/// <summary>Recognises a checkpoint file's format from its first bytes.</summary>
public static class CheckpointSniffer
{
    private static readonly byte[] ContrastiveCropMagic = "CCROPCK1"u8.ToArray();
    private static readonly byte[] ZipLocalHeader = [0x50, 0x4b, 0x03, 0x04];

    /// <summary>
    /// The legacy torch.save stream starts with a protocol-2 pickle of the integer
    /// 0x1950a86a20f9469cfc6c (torch.serialization's MAGIC_NUMBER): PROTO 2, LONG1 of 10 bytes, then the
    /// little-endian bytes.
    /// </summary>
    private static readonly byte[] LegacyTorchMagic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    /// <summary>The format of <paramref name="path"/>.</summary>
    /// <exception cref="InteropException">The file does not exist.</exception>
    public static CheckpointFormat Sniff(string path)
    {
        if (!File.Exists(path))
            throw new InteropException($"'{path}' does not exist. Give a ccrop checkpoint (.pt), a run folder, a PyTorch file (.pth/.pt/.pth.tar) or a safetensors file.");
        using var stream = File.OpenRead(path);
        var head = new byte[16];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Sniff(head.AsSpan(0, read), stream.Length);
    }

    /// <summary>The format of a file of <paramref name="length"/> bytes that starts with <paramref name="head"/> (at least 16 bytes when the file has them).</summary>
    public static CheckpointFormat Sniff(ReadOnlySpan<byte> head, long length)
    {
        if (head.StartsWith(ContrastiveCropMagic)) return CheckpointFormat.ContrastiveCrop;
        if (head.StartsWith(ZipLocalHeader)) return CheckpointFormat.TorchZip;
        if (head.StartsWith(LegacyTorchMagic)) return CheckpointFormat.TorchLegacy;
        // Pickle protocols 2-5 open with PROTO n.
        if (head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5) return CheckpointFormat.Pickle;
        // safetensors: an 8-byte little-endian header length, then the JSON header itself.
        if (head.Length >= 9 && head[8] == (byte)'{')
        {
            ulong headerLength = BitConverter.ToUInt64(head[..8]);
            if (headerLength >= 2 && headerLength <= (ulong)Math.Max(0, length - 8)) return CheckpointFormat.Safetensors;
        }
        return CheckpointFormat.Unknown;
    }

    /// <summary>One sentence saying why a file of <paramref name="format"/> cannot be imported, or null when it can.</summary>
    public static string? Unsupported(string path, CheckpointFormat format) => format switch
    {
        CheckpointFormat.TorchLegacy =>
            $"'{path}' is a PyTorch file in the legacy (pre-1.6) format, which cannot be read here: re-save it with torch.save(obj, path) from PyTorch ≥ 1.6 (zip format), e.g. python3 -c \"import torch; torch.save(torch.load('{Path.GetFileName(path)}', map_location='cpu'), 'resaved.pth')\".",
        CheckpointFormat.Pickle =>
            $"'{path}' is a plain Python pickle (e.g. a detectron2 .pkl of numpy arrays), not a torch.save file: load it in Python and re-save the tensors with torch.save({{k: torch.as_tensor(v) for k, v in d.items()}}, path) (PyTorch ≥ 1.6).",
        CheckpointFormat.Unknown =>
            $"'{path}' is not a checkpoint: expected a ccrop checkpoint (.pt), a PyTorch torch.save file (zip format) or a safetensors file.",
        _ => null,
    };

    /// <summary>The name of a format as users know it.</summary>
    public static string Describe(CheckpointFormat format) => format switch
    {
        CheckpointFormat.ContrastiveCrop => "ccrop checkpoint",
        CheckpointFormat.TorchZip => "torch.save zip",
        CheckpointFormat.TorchLegacy => "legacy torch.save",
        CheckpointFormat.Pickle => "Python pickle",
        CheckpointFormat.Safetensors => "safetensors",
        _ => "unknown",
    };
}
