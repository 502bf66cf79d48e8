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
/// <param name="Ranks">Processes that trained data-parallel (1 for a plain run); a resume must use as many.</param>
public sealed record RunManifest(
    string Recipe, long Seed, string Device, string Host,
    IReadOnlyDictionary<string, string> Plugins, IReadOnlyDictionary<string, string> Packages,
    DateTime StartUtc, DateTime? EndUtc, string Status, int Ranks = 1);
