using System.Globalization;
using System.Text.Json;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>
/// Rebuilds a run's TensorBoard events from its metrics file. A resumed run replaces the metrics records of the steps
/// its killed predecessor logged after the last checkpoint (<see cref="MetricsWriter"/>); the event files, which
/// TensorBoard reads all of, would still hold the old ones, so the steps would show twice. Rewriting the events from
/// the metrics file keeps the two the same.
/// </summary>
public static class TensorBoardReplay
{
    /// <summary>
    /// Closes <paramref name="current"/>, deletes every event file in <paramref name="folder"/> and writes one new file
    /// holding <paramref name="lines"/> (metrics records) with their own times; returns it, open for appending.
    /// </summary>
    public static TensorBoardEventFile Rebuild(TensorBoardEventFile current, string folder, IEnumerable<string> lines)
    {
        current.Dispose();
        foreach (var file in Directory.EnumerateFiles(folder, "events.out.tfevents.*")) File.Delete(file);
        var events = new TensorBoardEventFile(folder);
        foreach (var line in lines)
            if (Parse(line) is var (stage, step, time, values))
                events.AddScalars(stage, step, values, time);
        return events;
    }

    /// <summary>A metrics record's stage, step, time and values (NaN and infinities are written as strings); null for a line that is none.</summary>
    public static (string Stage, long Step, DateTimeOffset Time, IReadOnlyDictionary<string, double> Values)? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (!root.TryGetProperty("stage", out var stage) || !root.TryGetProperty("step", out var step)
                || !root.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Object) return null;
            var time = root.TryGetProperty("time", out var t) && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed : DateTimeOffset.UtcNow;
            var scalars = new Dictionary<string, double>();
            foreach (var value in values.EnumerateObject())
            {
                if (value.Value.ValueKind == JsonValueKind.Number) scalars[value.Name] = value.Value.GetDouble();
                else if (value.Value.ValueKind == JsonValueKind.String && double.TryParse(value.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var special))
                    scalars[value.Name] = special;
            }
            return (stage.GetString()!, step.GetInt64(), time, scalars);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
