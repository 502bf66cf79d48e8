using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace ContrastiveCrop.Interop;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a UTF-8 JSON header mapping each name
/// to <c>{dtype, shape, data_offsets}</c> (offsets relative to the end of the header) plus an optional
/// <c>__metadata__</c> map of strings, then the raw little-endian tensor bytes.
/// </summary>
/// <remarks>
/// Our own reader and writer rather than PyBridge's: PyBridge's writer stores the header's length in
/// UTF-16 characters instead of bytes (wrong for any non-ASCII name) and cannot write
/// <c>__metadata__</c>, and its reader does not check offsets against the file's length, so a truncated
/// file fails deep inside a native copy instead of with a message.
/// </remarks>
public static class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";

    /// <summary>Reads every tensor and the metadata; the caller owns (disposes) the tensors.</summary>
    /// <exception cref="InteropException">The file is truncated or its header is malformed.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        var content = File.ReadAllBytes(path);
        var (entries, metadata, dataStart) = ReadHeader(path, new MemoryStream(content, writable: false));
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, entry) in entries)
            {
                var tensor = empty(entry.Tensor.Shape, entry.Tensor.DType);
                tensor.bytes = content.AsSpan((int)(dataStart + entry.Start), (int)(entry.End - entry.Start));
                tensors.Add(name, tensor);
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return (tensors, metadata);
    }

    /// <summary>
    /// The dtype and shape of every tensor, from the JSON header alone (the data is not read): what <see cref="Read"/>
    /// would build, refused for the same reasons (a truncated file is recognised from its length).
    /// </summary>
    /// <exception cref="InteropException">As <see cref="Read"/>.</exception>
    public static Dictionary<string, StoredTensor> ReadShapes(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadHeader(path, stream).Entries.ToDictionary(kv => kv.Key, kv => kv.Value.Tensor);
    }

    /// <summary>A tensor's header entry: its dtype and shape, and where its bytes are, relative to the end of the header.</summary>
    private sealed record Entry(StoredTensor Tensor, long Start, long End);

    /// <summary>Parses and checks the header (every entry's size against its shape, its end against the file's length).</summary>
    private static (Dictionary<string, Entry> Entries, Dictionary<string, string> Metadata, long DataStart) ReadHeader(string path, Stream stream)
    {
        long length = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8) throw Damaged(path, "shorter than its 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(length - 8)) throw Damaged(path, $"its header claims {headerLength} bytes but the file has {length}");
        // The format caps the header at 100 MB; a larger claim is a damaged length, not a header to allocate.
        if (headerLength > 100_000_000) throw Damaged(path, $"its header claims {headerLength} bytes, more than the format's 100 MB");
        var headerBytes = new byte[(int)headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw Damaged(path, "its header is empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw Damaged(path, $"its JSON header does not parse ({e.Message})");
        }

        var metadata = new Dictionary<string, string>();
        var entries = new Dictionary<string, Entry>();
        foreach (var (name, node) in header)
        {
            if (name == MetadataKey)
            {
                foreach (var (key, value) in node?.AsObject() ?? []) metadata[key] = value?.ToString() ?? "";
                continue;
            }
            var entry = node?.AsObject() ?? throw Damaged(path, $"'{name}' has no entry");
            var dtype = DTypeOf(path, name, entry["dtype"]?.GetValue<string>());
            var shape = entry["shape"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? throw Damaged(path, $"'{name}' has no shape");
            var offsets = entry["data_offsets"]?.AsArray().Select(d => d!.GetValue<long>()).ToArray() ?? throw Damaged(path, $"'{name}' has no data_offsets");
            long expected = shape.Aggregate(1L, (a, b) => a * b) * StoredTensor.ElementSize(dtype);
            if (offsets.Length != 2 || offsets[1] - offsets[0] != expected)
                throw Damaged(path, $"'{name}' has data_offsets [{string.Join(", ", offsets)}] for {expected} bytes of shape [{string.Join(", ", shape)}]");
            if (dataStart + offsets[1] > length)
                throw Damaged(path, $"'{name}' ends at byte {dataStart + offsets[1]} but the file has {length} (truncated?)");
            entries.Add(name, new Entry(new StoredTensor(dtype, shape), offsets[0], offsets[1]));
        }
        return (entries, metadata, dataStart);
    }

    /// <summary>Writes <paramref name="tensors"/> in the given order with <paramref name="metadata"/> (all values are strings, as the format requires).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject();
        if (metadata.Count > 0)
            header[MetadataKey] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, value) in tensors)
        {
            using var cpu = value.detach().cpu().contiguous();
            var bytes = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = SafetensorsDType(cpu.dtype),
                ["shape"] = new JsonArray(cpu.shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + bytes.Length)),
            };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        stream.Write(length);
        stream.Write(json);
        foreach (var blob in blobs) stream.Write(blob);
    }

    private static InteropException Damaged(string path, string why) =>
        new($"'{path}' is not a usable safetensors file: {why}. Re-export or re-download it.");

    private static ScalarType DTypeOf(string path, string name, string? dtype) => dtype switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw Damaged(path, $"'{name}' has dtype '{dtype}', which has no TorchSharp equivalent"),
    };

    private static string SafetensorsDType(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "safetensors has no code for this dtype."),
    };
}
