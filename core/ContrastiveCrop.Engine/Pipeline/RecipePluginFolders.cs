using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// Makes a recipe's <c>plugin_folders</c> independent of where the recipe is read from: every folder as a full
/// path (those of the recipe resolved against the recipe's folder), followed by the <c>--plugins</c> folders.
/// </summary>
/// <remarks>
/// The run folder keeps this recipe; resuming the run or evaluating its checkpoint reads it from the run folder,
/// where a relative folder would point somewhere else, and without the <c>--plugins</c> folders it would not find
/// the plugins the run used.
/// </remarks>
public static class RecipePluginFolders
{
    /// <summary>The recipe key.</summary>
    public const string Key = "plugin_folders";

    /// <summary>Returns <paramref name="resolved"/> with <c>plugin_folders</c> as full paths, plus <paramref name="extra"/>.</summary>
    public static RecipeMapping MakeAbsolute(string recipePath, RecipeMapping resolved, IEnumerable<string> extra)
    {
        var folders = RunPlan.PluginFoldersOf(recipePath, resolved)
            .Concat(extra.Select(Path.GetFullPath))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var entry = resolved.GetEntry(Key);
        if (folders.Count == 0 && entry is null) return resolved;
        var location = entry?.Value.Location ?? resolved.Location;
        var list = new RecipeSequence(folders.Select(f => (RecipeNode)new RecipeScalar(f, isQuoted: true, location)), location);
        return resolved.With(Key, entry?.KeyLocation ?? resolved.Location, list);
    }
}
