using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// Swapping a plugin by one line (<c>--set pretrain.method.name=moco-v2</c>): the options that belonged to the
/// plugin the recipe named before (keys its options record has and the new plugin's has not) are dropped, with
/// one notice; every other key stays, so options both plugins take (e.g. <c>pipeline: small</c>, chosen for small
/// data) survive the swap.
/// </summary>
public static class PluginSwap
{
    private static readonly (string Path, PluginKind Kind)[] Sections =
    [
        ("data", PluginKind.DatasetSource),
        ("pretrain.backbone", PluginKind.Backbone),
        ("pretrain.method", PluginKind.SiameseMethod),
        ("pretrain.sampler", PluginKind.CropSampler),
        ("pretrain.monitor.task", PluginKind.DownstreamTask),
    ];

    /// <summary>
    /// Compares each plugin section of <paramref name="before"/> (the recipe without overrides) and
    /// <paramref name="after"/> (with them); where the name changed, removes the previous plugin's own keys from
    /// <paramref name="after"/>. Keys set by an override are kept: the user asked for them, and a key the new
    /// plugin does not take is then reported as usual.
    /// </summary>
    public static RecipeMapping DropPreviousPluginOptions(RecipeMapping before, RecipeMapping after, PluginCatalog catalog, Action<string> notice)
    {
        foreach (var (path, kind) in Sections)
        {
            var segments = path.Split('.');
            if (Find(before, segments) is not RecipeMapping old || Find(after, segments) is not RecipeMapping now) continue;
            if (NameOf(old) is not { } oldName || NameOf(now) is not { } newName || oldName == newName) continue;
            var previous = Lookup(catalog, kind, oldName);
            var next = Lookup(catalog, kind, newName);
            if (previous is null || next is null) continue; // an unknown name is reported when the plan is made
            var theirs = Keys(previous.OptionsType);
            var ours = Keys(next.OptionsType);
            var dropped = now.Entries
                .Where(e => e.Key != "name" && theirs.Contains(e.Key) && !ours.Contains(e.Key) && e.Value.Location.File != SourceLocation.OverrideFile)
                .Select(e => e.Key).ToList();
            if (dropped.Count == 0) continue;
            after = Replace(after, segments, 0, dropped.Aggregate(now, (m, key) => m.Without(key)));
            notice($"{path}.name is now '{newName}' (was '{oldName}'): dropped {oldName}'s option(s) {string.Join(", ", dropped)}, which {newName} does not take.");
        }
        return after;
    }

    private static PluginDescriptor? Lookup(PluginCatalog catalog, PluginKind kind, string name) =>
        catalog.All.FirstOrDefault(d => d.Key == new PluginKey(kind, name));

    private static HashSet<string> Keys(Type? optionsType) =>
        optionsType is null ? [] : [.. RecordShape.For(optionsType).Members.Select(m => m.Key)];

    private static string? NameOf(RecipeMapping section) =>
        section.TryGetValue("name", out var node) && node is RecipeScalar { IsNull: false } scalar ? scalar.Value : null;

    private static RecipeNode? Find(RecipeMapping root, string[] segments)
    {
        RecipeNode? node = root;
        foreach (var segment in segments)
            node = node is RecipeMapping mapping && mapping.TryGetValue(segment, out var child) ? child : null;
        return node;
    }

    private static RecipeMapping Replace(RecipeMapping mapping, string[] segments, int at, RecipeMapping value)
    {
        var entry = mapping.GetEntry(segments[at])!;
        var child = at == segments.Length - 1 ? value : Replace((RecipeMapping)entry.Value, segments, at + 1, value);
        return mapping.With(segments[at], entry.KeyLocation, child);
    }
}
