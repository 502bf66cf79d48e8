using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>
/// Appends metrics as JSON lines (<c>{"stage":..,"step":..,"time":..,"values":{..}}</c>), flushed per
/// record so a crash loses nothing already logged. Thread-safe.
/// </summary>
public sealed class MetricsWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    /// <summary>Opens <paramref name="path"/> for appending (resumed runs continue the same file); null discards every record (ranks other than 0).</summary>
    public MetricsWriter(string? path) =>
        _writer = path is null ? StreamWriter.Null : new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));

    /// <summary>Appends one record.</summary>
    public void Write(string stage, long step, IReadOnlyDictionary<string, double> values)
    {
        var record = new Dictionary<string, object>
        {
            ["stage"] = stage,
            ["step"] = step,
            ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            // JSON has no NaN/Infinity: write them as strings so the file stays valid.
            ["values"] = values.ToDictionary(kv => kv.Key, kv => double.IsFinite(kv.Value) ? (object)kv.Value : kv.Value.ToString(CultureInfo.InvariantCulture)),
        };
        var line = JsonSerializer.Serialize(record);
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
