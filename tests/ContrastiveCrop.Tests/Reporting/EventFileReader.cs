using System.Text;

namespace ContrastiveCrop.Tests.Reporting;

/// <summary>
/// An independent reader of TensorBoard event files for tests: TFRecord framing (uint64 length, masked
/// CRC-32C of the length bytes, data, masked CRC-32C of the data) and the few protobuf fields of
/// tensorflow/core/util/event.proto and summary.proto that scalar logs use, decoded by hand.
/// </summary>
internal static class EventFileReader
{
    /// <summary>One scalar: Summary.Value{tag = 1, simple_value = 2}.</summary>
    public sealed record Scalar(string Tag, float Value);

    /// <summary>Event{wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5}.</summary>
    public sealed record Event(double WallTime, long Step, string? FileVersion, IReadOnlyList<Scalar> Scalars);

    /// <summary>Reads every record of <paramref name="path"/>, failing on a bad length, CRC or trailing bytes.</summary>
    public static List<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 12) throw new InvalidDataException($"truncated record header at byte {at}");
            var lengthBytes = bytes.AsSpan(at, 8);
            ulong length = BitConverter.ToUInt64(lengthBytes);
            if (BitConverter.ToUInt32(bytes, at + 8) != Crc32C.Masked(lengthBytes))
                throw new InvalidDataException($"length CRC mismatch at byte {at}");
            at += 12;
            if ((ulong)(bytes.Length - at) < length + 4) throw new InvalidDataException($"truncated record data at byte {at}");
            var data = bytes.AsSpan(at, (int)length);
            if (BitConverter.ToUInt32(bytes, at + (int)length) != Crc32C.Masked(data))
                throw new InvalidDataException($"data CRC mismatch at byte {at}");
            events.Add(ParseEvent(data.ToArray()));
            at += (int)length + 4;
        }
        return events;
    }

    private static Event ParseEvent(byte[] data)
    {
        double wall = 0;
        long step = 0;
        string? version = null;
        var scalars = new List<Scalar>();
        foreach (var (field, wire, value, payload) in Fields(data))
        {
            switch (field, wire)
            {
                case (1, 1): wall = BitConverter.Int64BitsToDouble((long)value); break;
                case (2, 0): step = (long)value; break;
                case (3, 2): version = Encoding.UTF8.GetString(payload!); break;
                case (5, 2):
                    foreach (var (f, w, _, valueBytes) in Fields(payload!))
                        if (f == 1 && w == 2) scalars.Add(ParseValue(valueBytes!));
                    break;
            }
        }
        return new Event(wall, step, version, scalars);
    }

    private static Scalar ParseValue(byte[] data)
    {
        string tag = "";
        float value = float.NaN;
        foreach (var (field, wire, raw, payload) in Fields(data))
        {
            if (field == 1 && wire == 2) tag = Encoding.UTF8.GetString(payload!);
            if (field == 2 && wire == 5) value = BitConverter.Int32BitsToSingle((int)raw);
        }
        return new Scalar(tag, value);
    }

    /// <summary>(field number, wire type, fixed/varint value, length-delimited payload) of each field.</summary>
    private static IEnumerable<(int Field, int Wire, ulong Value, byte[]? Payload)> Fields(byte[] data)
    {
        int at = 0;
        while (at < data.Length)
        {
            ulong key = Varint(data, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(data, ref at), null); break;
                case 1: yield return (field, wire, BitConverter.ToUInt64(data, at), null); at += 8; break;
                case 5: yield return (field, wire, BitConverter.ToUInt32(data, at), null); at += 4; break;
                case 2:
                    int length = (int)Varint(data, ref at);
                    yield return (field, wire, 0, data[at..(at + length)]);
                    at += length;
                    break;
                default: throw new InvalidDataException($"unexpected wire type {wire}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }
}

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit, written from the definition
/// for tests; TFRecord masks it as rotate-right-15 plus 0xa282ead8.
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Compute(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8);
    }
}
