using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Checkpoints;

/// <summary>
/// The on-disk checkpoint layout: magic, JSON <see cref="CheckpointInfo"/>, named tensors (dtype,
/// shape, raw little-endian bytes), then a SHA-256 of everything before it and an end marker, so a
/// truncated or damaged file is recognised before anything is loaded. Written through a temporary
/// file and renamed into place, so a crash mid-write keeps the previous checkpoint.
/// </summary>
public static class CheckpointFile
{
    private static readonly byte[] Magic = "CCROPCK1"u8.ToArray();
    private static readonly byte[] EndMarker = "CCROPEND"u8.ToArray();

    /// <summary>Bytes after the tensors: the SHA-256 of everything before them, then the end marker.</summary>
    private const int Trailer = 32 + 8;

    /// <summary>Writes <paramref name="tensors"/> and <paramref name="info"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, CheckpointInfo info, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var hashing = new HashingStream(stream, hash))
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(JsonSerializer.Serialize(info));
                var list = tensors.ToList();
                writer.Write(list.Count);
                foreach (var (name, value) in list)
                {
                    using var cpu = value.detach().cpu().contiguous();
                    writer.Write(name);
                    writer.Write((int)cpu.dtype);
                    writer.Write((int)cpu.ndim);
                    foreach (var d in cpu.shape) writer.Write(d);
                    var bytes = cpu.bytes;
                    writer.Write((long)bytes.Length);
                    writer.Write(bytes);
                }
            }
            stream.Write(hash.GetHashAndReset());
            stream.Write(EndMarker);
        });
    }

    /// <summary>Reads a checkpoint; throws <see cref="CheckpointException"/> naming the file when it is unusable.</summary>
    public static (CheckpointInfo Info, Dictionary<string, Tensor> Tensors) Load(string path)
    {
        if (!File.Exists(path))
            throw new CheckpointException($"Checkpoint '{path}' does not exist.");
        var content = File.ReadAllBytes(path);
        if (content.Length < Magic.Length + Trailer || !content.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw NotACheckpoint(path, content.Length);
        if (!content.AsSpan(content.Length - EndMarker.Length).SequenceEqual(EndMarker) ||
            !SHA256.HashData(content.AsSpan(0, content.Length - Trailer)).AsSpan().SequenceEqual(content.AsSpan(content.Length - Trailer, 32)))
            throw Corrupt(path, "its checksum does not match", content.Length);

        using var reader = new BinaryReader(new MemoryStream(content, 0, content.Length - Trailer), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        var info = ReadInfo(reader, path);
        int count = reader.ReadInt32();
        var tensors = new Dictionary<string, Tensor>(count);
        CheckpointException Damaged(string why) => Corrupt(path, why, content.Length);
        for (int i = 0; i < count; i++)
        {
            var (name, dtype, shape) = ReadTensorHeader(reader, Damaged);
            var bytes = reader.ReadBytes(checked((int)reader.ReadInt64()));
            var value = empty(shape, dtype);
            value.bytes = bytes;
            tensors[name] = value;
        }
        return (info, tensors);
    }

    /// <summary>
    /// The header and every tensor's name, dtype and shape, read without the tensors' data: each tensor's bytes are
    /// skipped by seeking, so a 100 MB checkpoint costs a few hundred small reads. Used to check that a checkpoint fits a
    /// network before any work. The checksum needs every byte and is left to <see cref="Load"/>; a truncated file is
    /// still recognised here, because the tensors' sizes and the trailer must add up to the file's length exactly.
    /// </summary>
    /// <exception cref="CheckpointException">The file is missing, not a checkpoint, truncated or of another format version.</exception>
    public static (CheckpointInfo Info, Dictionary<string, (ScalarType DType, long[] Shape)> Tensors) ReadShapes(string path)
    {
        if (!File.Exists(path))
            throw new CheckpointException($"Checkpoint '{path}' does not exist.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        long length = stream.Length;
        var head = new byte[Magic.Length];
        if (length < Magic.Length + Trailer || stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head.AsSpan().SequenceEqual(Magic))
            throw NotACheckpoint(path, length);
        CheckpointException Truncated(string why) => Corrupt(path, why, length);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            CheckpointInfo info;
            try
            {
                info = ReadInfo(reader, path);
            }
            catch (JsonException e)
            {
                throw Truncated($"its header does not parse: {e.Message}");
            }
            int count = reader.ReadInt32();
            if (count < 0) throw Truncated($"it claims {count} tensors");
            var tensors = new Dictionary<string, (ScalarType, long[])>(Math.Min(count, 100_000));
            for (int i = 0; i < count; i++)
            {
                var (name, dtype, shape) = ReadTensorHeader(reader, Truncated);
                long bytes = reader.ReadInt64();
                if (bytes < 0 || stream.Position + bytes > length - Trailer)
                    throw Truncated($"tensor '{name}' needs {bytes} bytes from byte {stream.Position} but the data end at {length - Trailer}");
                stream.Seek(bytes, SeekOrigin.Current);
                tensors[name] = (dtype, shape);
            }
            if (stream.Position != length - Trailer)
                throw Truncated($"its tensors end at byte {stream.Position}, not where its checksum starts ({length - Trailer})");
            stream.Seek(-EndMarker.Length, SeekOrigin.End);
            var end = new byte[EndMarker.Length];
            stream.ReadExactly(end);
            if (!end.AsSpan().SequenceEqual(EndMarker)) throw Truncated("it has no end marker");
            return (info, tensors);
        }
        catch (EndOfStreamException)
        {
            throw Truncated("it ends inside its tensor list");
        }
    }

    private static CheckpointException NotACheckpoint(string path, long length) =>
        new($"'{path}' is not a ContrastiveCrop checkpoint (wrong header or too short: {length} bytes).");

    private static CheckpointException Corrupt(string path, string why, long length) => new(
        $"Checkpoint '{path}' is truncated or corrupt ({why}; {length} bytes). " +
        "It was probably cut off by a crash or a full disk: delete it and resume from an earlier copy, or start the run again.");

    /// <summary>The JSON header after the magic, of a format version this build reads.</summary>
    private static CheckpointInfo ReadInfo(BinaryReader reader, string path)
    {
        var info = JsonSerializer.Deserialize<CheckpointInfo>(reader.ReadString())
                   ?? throw new CheckpointException($"Checkpoint '{path}' has no header.");
        if (info.FormatVersion != CheckpointInfo.CurrentFormat)
            throw new CheckpointException($"Checkpoint '{path}' has format {info.FormatVersion}; this ccrop reads format {CheckpointInfo.CurrentFormat}.");
        return info;
    }

    /// <summary>A tensor's name, dtype and shape, as <see cref="Save"/> writes them before its byte count and bytes.</summary>
    private static (string Name, ScalarType DType, long[] Shape) ReadTensorHeader(BinaryReader reader, Func<string, CheckpointException> corrupt)
    {
        string name = reader.ReadString();
        var dtype = (ScalarType)reader.ReadInt32();
        int rank = reader.ReadInt32();
        // A damaged rank would allocate a huge shape; Save writes at most a tensor's ndim.
        if (rank is < 0 or > 64) throw corrupt($"tensor '{name}' claims {rank} dimensions");
        var shape = new long[rank];
        for (int d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
        return (name, dtype, shape);
    }

    /// <summary>Passes writes through to a stream while feeding them to a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
