using System.Text.RegularExpressions;
using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// The recipe as it runs: every plugin section rewritten from its bound options record, so the defaults a
/// recipe left out are written too and the run folder's recipe.yaml reproduces the run on its own, even
/// after a plugin's defaults change.
/// </summary>
public static partial class EffectiveRecipe
{
    /// <summary>Returns <paramref name="resolved"/> with the section of each of <paramref name="choices"/> written in full.</summary>
    public static RecipeMapping With(RecipeMapping resolved, IEnumerable<PluginChoice> choices)
    {
        foreach (var choice in choices)
        {
            if (choice.Options is null) continue; // a plugin without options has only its name
            var path = Parse(choice.KeyPath);
            if (Get(resolved, path) is not RecipeMapping section || section.GetEntry("name") is not { } name) continue;
            RecipeMapping written;
            try
            {
                written = OptionsWriter.ToMapping(choice.Options, section.Location);
            }
            catch (NotSupportedException)
            {
                continue; // an options type the writer cannot read back keeps the section as the recipe wrote it
            }
            var entries = new List<RecipeMappingEntry> { name };
            entries.AddRange(written.Entries.Select(e => section.GetEntry(e.Key) is { } own ? new RecipeMappingEntry(e.Key, own.KeyLocation, e.Value) : e));
            resolved = (RecipeMapping)Set(resolved, path, 0, new RecipeMapping(entries, section.Location));
        }
        return resolved;
    }

    /// <summary>"pretrain.custom_hooks[1]" → ("pretrain", null), ("custom_hooks", 1).</summary>
    private static List<(string Key, int? Index)> Parse(string keyPath) =>
        keyPath.Split('.').Select(segment => Segment().Match(segment)).Select(m =>
            (m.Groups[1].Value, m.Groups[2].Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null)).ToList();

    private static RecipeNode? Get(RecipeNode node, List<(string Key, int? Index)> path)
    {
        foreach (var (key, index) in path)
        {
            if (node is not RecipeMapping mapping || !mapping.TryGetValue(key, out var child)) return null;
            node = child;
            if (index is { } i)
            {
                if (node is not RecipeSequence list || i >= list.Count) return null;
                node = list[i];
            }
        }
        return node;
    }

    private static RecipeNode Set(RecipeNode node, List<(string Key, int? Index)> path, int at, RecipeNode value)
    {
        if (at == path.Count) return value;
        var mapping = (RecipeMapping)node;
        var (key, index) = path[at];
        var entry = mapping.GetEntry(key)!;
        RecipeNode child;
        if (index is { } i)
        {
            var list = (RecipeSequence)entry.Value;
            var items = list.Items.ToList();
            items[i] = Set(items[i], path, at + 1, value);
            child = new RecipeSequence(items, list.Location);
        }
        else
        {
            child = Set(entry.Value, path, at + 1, value);
        }
        return mapping.With(key, entry.KeyLocation, child);
    }

    [GeneratedRegex(@"^([^\[\]]+)(?:\[(\d+)\])?$")]
    private static partial Regex Segment();
}
