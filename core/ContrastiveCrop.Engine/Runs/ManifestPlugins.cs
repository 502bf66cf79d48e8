using System.Text.Json;
using ContrastiveCrop.Engine.Plugins;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>Reads back which assembly each plugin of a finished or interrupted run came from (its manifest.json).</summary>
public static class ManifestPlugins
{
    /// <summary>
    /// The assembly file the run in <paramref name="runFolder"/> loaded <paramref name="key"/> from, or null when the
    /// manifest is absent, unreadable or does not list it.
    /// </summary>
    public static string? AssemblyOf(string runFolder, PluginKey key)
    {
        var file = Path.Combine(runFolder, "manifest.json");
        if (!File.Exists(file)) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            if (!json.RootElement.TryGetProperty("plugins", out var plugins) ||
                !plugins.TryGetProperty(key.ToString(), out var entry) || entry.GetString() is not { } text)
                return null;
            // "version (path)", as RunPipeline writes it.
            int open = text.IndexOf(" (", StringComparison.Ordinal);
            return open < 0 || !text.EndsWith(')') ? null : text[(open + 2)..^1];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }
}
