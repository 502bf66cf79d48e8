using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Tensorboard;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>
/// A TensorBoard event file (<c>events.out.tfevents.*</c>) of scalar summaries, written with the
/// protobuf types TorchSharp ships for its <c>torch.utils.tensorboard.SummaryWriter</c>.
/// </summary>
/// <remarks>
/// Why not call <c>SummaryWriter.add_scalar</c> itself (TorchSharp 0.107, read in its source,
/// src/TorchSharp/Utils/tensorboard/SummaryWriter.cs): its wall time is a <c>long</c> of whole Unix
/// seconds, so several steps in one second collapse onto one instant on TensorBoard's time axes; the
/// file's first record (<c>file_version</c>) gets <c>DateTime.Now.Ticks</c> as its wall time, i.e.
/// local-time 100 ns ticks read as seconds (a date ~20 billion years ahead), which TensorBoard takes
/// as the run's start; the file name carries ticks instead of Unix seconds; and the step is an
/// <c>int</c>. Here every record uses fractional Unix seconds (UTC), the step is a <c>long</c>, and
/// the framing is TFRecord's: length (uint64 LE), masked CRC-32C of the length, the event bytes,
/// masked CRC-32C of the bytes (TorchSharp's native CRC-32C). Each record is flushed, so a crash
/// loses nothing already logged. Thread-safe.
/// </remarks>
public sealed class TensorBoardEventFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly Lock _gate = new();

    /// <summary>Creates a new event file in <paramref name="folder"/> and writes its header record.</summary>
    public TensorBoardEventFile(string folder)
    {
        Directory.CreateDirectory(folder);
        var now = DateTimeOffset.UtcNow;
        // TensorBoard orders a run's files by name: Unix seconds first, as the Python writers do.
        var name = string.Create(CultureInfo.InvariantCulture,
            $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        FilePath = Path.Combine(folder, name);
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Write(new Event { WallTime = UnixSeconds(now), FileVersion = "brain.Event:2" });
    }

    /// <summary>The event file.</summary>
    public string FilePath { get; }

    /// <summary>Appends one event holding a scalar summary per value, tagged <c>prefix/name</c>.</summary>
    public void AddScalars(string prefix, long step, IReadOnlyDictionary<string, double> values, DateTimeOffset time)
    {
        var summary = new Summary();
        foreach (var (name, value) in values)
            summary.Value.Add(new Summary.Types.Value { Tag = $"{prefix}/{name}", SimpleValue = (float)value });
        Write(new Event { WallTime = UnixSeconds(time), Step = step, Summary = summary });
    }

    /// <summary>Fractional seconds since the Unix epoch, as TensorBoard expects.</summary>
    public static double UnixSeconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    private void Write(Event record)
    {
        var data = record.ToByteArray();
        var length = BitConverter.GetBytes((ulong)data.LongLength);
        Debug.Assert(BitConverter.IsLittleEndian, "TFRecord lengths and CRCs are little-endian.");
        lock (_gate)
        {
            _stream.Write(length);
            _stream.Write(BitConverter.GetBytes(MaskedCrc(length)));
            _stream.Write(data);
            _stream.Write(BitConverter.GetBytes(MaskedCrc(data)));
            _stream.Flush();
        }
    }

    /// <summary>TFRecord's masked CRC-32C: rotate right by 15 bits, add 0xa282ead8.</summary>
    private static uint MaskedCrc(byte[] data)
    {
        uint crc = TorchSharp.Utils.CRC32C.process(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
