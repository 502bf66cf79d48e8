using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>
/// Appends metrics as JSON lines (<c>{"stage":..,"step":..,"time":..,"values":{..}}</c>), flushed per
/// record so a crash loses nothing already logged. Thread-safe.
/// </summary>
/// <remarks>
/// A resumed run (<c>resume: true</c>) repeats what its killed predecessor did after the checkpoint it resumes from,
/// and so logs those records again. Appending them would show those steps twice, so the writer replays instead: the
/// records already in the file are kept, and a record written after the resume that the file already holds (the same
/// stage and step, the first such record after the last one replaced, so keys a stage repeats — a monitor's probe
/// epochs — match in order) takes that old record's place. The resumed work repeats the old records in their order,
/// so the file always reads in the order of an uninterrupted run and, once the replay has caught up, holds each step
/// once. Each replacement rewrites the file atomically, so a second kill leaves it consistent; replacements happen
/// only for the records between the checkpoint and the kill. A torn last line (a kill mid-write) is dropped.
/// </remarks>
public sealed class MetricsWriter : IDisposable
{
    private readonly string? _path;
    private readonly Lock _gate = new();
    private StreamWriter _writer;

    /// <summary>The resumed file's records, in file order, each replaced in place by the resumed run's record of that step.</summary>
    private readonly List<string> _previous = [];
    /// <summary>Which of <see cref="_previous"/> the resumed run has already replaced.</summary>
    private readonly List<bool> _replaced = [];
    /// <summary>Positions of each (stage, step) in <see cref="_previous"/>, ascending.</summary>
    private readonly Dictionary<(string Stage, long Step), List<int>> _positions = [];
    /// <summary>Records before this position are never replaced: the replay has moved past them.</summary>
    private int _cursor;
    /// <summary>UTF-8 bytes of the old records' region, which precedes every record appended since the resume.</summary>
    private long _keptBytes;

    /// <summary>Opens <paramref name="path"/> for appending; null discards every record (ranks other than 0).</summary>
    /// <param name="path">The metrics file.</param>
    /// <param name="resume">The run is resumed: its records replace those the file already holds for the same steps.</param>
    public MetricsWriter(string? path, bool resume = false)
    {
        _path = path;
        if (path is not null && resume && File.Exists(path)) LoadPrevious(path);
        _writer = Open(path);
    }

    private static StreamWriter Open(string? path) =>
        path is null ? StreamWriter.Null : new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { NewLine = "\n" };

    private void LoadPrevious(string path)
    {
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var canonical = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            // The last piece without its newline is a write the kill cut short; a line that is no record is dropped too.
            if (line.Length == 0 || i == lines.Length - 1 || Key(line) is not { } key) continue;
            if (!_positions.TryGetValue(key, out var at)) _positions[key] = at = [];
            at.Add(_previous.Count);
            _previous.Add(line);
            _replaced.Add(false);
            canonical.Append(line).Append('\n');
        }
        _keptBytes = Encoding.UTF8.GetByteCount(canonical.ToString());
        // From here on the file is exactly the old records, one per line, then what the resumed run writes.
        if (canonical.ToString() != text) RunDirectory.WriteAtomically(path, canonical.ToString());
    }

    /// <summary>The stage and step of a metrics line; null when the line is not one.</summary>
    public static (string Stage, long Step)? Key(string line)
    {
        try
        {
            using var record = JsonDocument.Parse(line);
            var root = record.RootElement;
            return root.ValueKind == JsonValueKind.Object
                   && root.TryGetProperty("stage", out var stage) && stage.ValueKind == JsonValueKind.String
                   && root.TryGetProperty("step", out var step) && step.TryGetInt64(out long value)
                ? (stage.GetString()!, value)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Appends one record; returns true when it replaced a record of the resumed file (the file was rewritten).</summary>
    public bool Write(string stage, long step, IReadOnlyDictionary<string, double> values)
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
            if (_path is not null && Replaced(stage, step) is { } index)
            {
                _previous[index] = line;
                _replaced[index] = true;
                _cursor = index + 1;
                _writer.Dispose();
                Rewrite(_path);
                _writer = Open(_path);
                return true;
            }
            _writer.WriteLine(line);
            _writer.Flush();
            return false;
        }
    }

    /// <summary>The first old record at or after the cursor with this stage and step, if any.</summary>
    private int? Replaced(string stage, long step)
    {
        if (!_positions.TryGetValue((stage, step), out var at)) return null;
        foreach (var index in at)
            if (index >= _cursor && !_replaced[index]) return index;
        return null;
    }

    /// <summary>
    /// Rewrites the file atomically as the old records' region (with the replacements made so far), then the records
    /// appended since the resume (the bytes after the region as last written).
    /// </summary>
    private void Rewrite(string path)
    {
        var current = File.ReadAllBytes(path);
        var appended = current.AsMemory((int)_keptBytes);
        var region = new StringBuilder();
        foreach (var line in _previous) region.Append(line).Append('\n');
        var regionBytes = Encoding.UTF8.GetBytes(region.ToString());
        RunDirectory.WriteAtomically(path, stream =>
        {
            stream.Write(regionBytes);
            stream.Write(appended.Span);
        });
        _keptBytes = regionBytes.LongLength;
    }

    /// <summary>The records in the file now, for rebuilding what is derived from it (TensorBoard's events).</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_gate)
        {
            _writer.Flush();
            return _path is null ? [] : File.ReadAllLines(_path).Where(l => l.Length > 0).ToList();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
