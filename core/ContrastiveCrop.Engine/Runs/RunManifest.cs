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
/// <param name="Status">running, finished, failed: message, or interrupted (found so when looked at later).</param>
/// <param name="ProcessId">The process that wrote the manifest, so a later look can tell a running run from an interrupted one.</param>
/// <param name="Machine">The machine that process ran on.</param>
/// <param name="Ranks">Processes that trained data-parallel (1 for a plain run); a resume must use as many.</param>
public sealed record RunManifest(
    string Recipe, long Seed, string Device, string Host,
    IReadOnlyDictionary<string, string> Plugins, IReadOnlyDictionary<string, string> Packages,
    DateTime StartUtc, DateTime? EndUtc, string Status, int? ProcessId = null, string? Machine = null, int Ranks = 1)
{
    /// <summary>The status prefix of a run in progress.</summary>
    public const string Running = "running";

    /// <summary>The status of a run found "running" after its process has gone.</summary>
    public const string Interrupted = "interrupted";
}
