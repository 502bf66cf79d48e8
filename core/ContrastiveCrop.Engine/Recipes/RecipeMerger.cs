using System.Collections.Generic;
using System.Linq;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Layers recipe trees: mappings merge key by key, everything else is replaced whole.
/// </summary>
/// <remarks>
/// <c>_delete_</c> markers stay in merged trees until <see cref="RemoveDirectives"/> runs once
/// at the end of loading. Keeping them means "replace what came before" holds across every
/// level of bases, not only against the bases of the file that wrote the marker.
/// </remarks>
internal static class RecipeMerger
{
    /// <summary>The key that makes a mapping replace, rather than merge into, what came before.</summary>
    public const string DeleteKey = "_delete_";

    /// <summary>Merges <paramref name="overlay"/> on top of <paramref name="underlay"/>.</summary>
    /// <param name="underlay">The earlier tree.</param>
    /// <param name="overlay">The later tree; it wins on every conflict.</param>
    /// <returns>A new tree; neither input is changed.</returns>
    public static RecipeNode Merge(RecipeNode underlay, RecipeNode overlay)
    {
        if (underlay is not RecipeMapping under || overlay is not RecipeMapping over || RequestsDelete(over))
        {
            return overlay;
        }

        var entries = new List<RecipeMappingEntry>(under.Count + over.Count);
        foreach (var entry in under.Entries)
        {
            var replacement = over.GetEntry(entry.Key);

            // The overlay's key position wins: that is the line an author edits to change the value.
            entries.Add(replacement is null
                ? entry
                : new RecipeMappingEntry(entry.Key, replacement.KeyLocation, Merge(entry.Value, replacement.Value)));
        }

        entries.AddRange(over.Entries.Where(entry => !under.ContainsKey(entry.Key)));
        return new RecipeMapping(entries, over.Location);
    }

    /// <summary>
    /// Removes <c>_delete_</c> markers from every mapping reachable through mappings, reporting
    /// markers whose value is not a boolean.
    /// </summary>
    /// <param name="node">The fully merged tree.</param>
    /// <param name="keyPath">The key path of <paramref name="node"/>.</param>
    /// <param name="errors">Receives invalid markers.</param>
    /// <returns>The tree without markers.</returns>
    public static RecipeNode RemoveDirectives(RecipeNode node, string keyPath, List<RecipeError> errors)
    {
        // Sequences are never merged, so a marker inside one has no meaning for the merger
        // and is left for the binder to report as an ordinary unknown key.
        if (node is not RecipeMapping mapping)
        {
            return node;
        }

        var entries = new List<RecipeMappingEntry>(mapping.Count);
        foreach (var entry in mapping.Entries)
        {
            var childPath = KeyPaths.Child(keyPath, entry.Key);
            if (entry.Key == DeleteKey)
            {
                if (ParseMarker(entry.Value) is null)
                {
                    errors.Add(new RecipeError(entry.Value.Location, childPath, "'_delete_' must be true or false"));
                }

                continue;
            }

            entries.Add(entry.WithValue(RemoveDirectives(entry.Value, childPath, errors)));
        }

        return new RecipeMapping(entries, mapping.Location);
    }

    private static bool RequestsDelete(RecipeMapping mapping) =>
        mapping.TryGetValue(DeleteKey, out var marker) && ParseMarker(marker) == true;

    private static bool? ParseMarker(RecipeNode node) =>
        node is RecipeScalar { IsQuoted: false } scalar ? ScalarParsing.ParseBoolean(scalar.Value) : null;
}
