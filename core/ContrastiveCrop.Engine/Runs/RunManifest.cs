namespace ContrastiveCrop.Engine.Runs;

/// <summary>What a run used, for reproducing it.</summary>
/// <param name="Recipe">Path of the recipe file given on the command line.</param>
/// <param name="Seed">The run seed.</param>
/// <param name="Device">The device used.</param>
/// <param name="Host">Machine name, OS, processor count, .NET version.</param>
/// <param name="Plugins">Plugins used: "kind name" → "version (assembly)".</param>
/// <param name="Packages">Key package versions.</param>
/// <param name="StartUtc">Start time.</param>
/// <param name="EndUtc">End time, once finished.</param>
/// <param name="Status">running, finished or failed: message.</param>
public sealed record RunManifest(
    string Recipe, long Seed, string Device, string Host,
    IReadOnlyDictionary<string, string> Plugins, IReadOnlyDictionary<string, string> Packages,
    DateTime StartUtc, DateTime? EndUtc, string Status)
{
    /// <summary>
    /// The process that wrote the manifest, so <c>ccrop runs list</c> can tell a run still going from
    /// one whose process died while the manifest still says running.
    /// </summary>
    public int ProcessId { get; init; } = Environment.ProcessId;

    /// <summary>The machine of <see cref="ProcessId"/>: a process id means nothing on another machine.</summary>
    public string MachineName { get; init; } = Environment.MachineName;
}
