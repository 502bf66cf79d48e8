using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// Names downstream stages for the results table and the metrics log. A plugin used once is named by
/// itself; stages of the same plugin (e.g. detection from pretrained and from random init) get the
/// recipe values that tell them apart, <c>faster-rcnn-c4 (init: backbone)</c>, or their position
/// when their options are identical, so no two rows of the table share a name.
/// </summary>
public static class StageLabels
{
    /// <summary>One label per stage, in order; <paramref name="stages"/> are plugin names with their recipe mappings.</summary>
    public static IReadOnlyList<string> For(IReadOnlyList<(string Name, RecipeMapping Recipe)> stages)
    {
        var labels = new string[stages.Count];
        foreach (var group in Enumerable.Range(0, stages.Count).GroupBy(i => stages[i].Name))
        {
            var members = group.ToList();
            if (members.Count == 1)
            {
                labels[members[0]] = group.Key;
                continue;
            }
            var keys = members.SelectMany(i => stages[i].Recipe.Keys).Where(k => k != "name").Distinct()
                .Where(k => !AllEqual(members.Select(i => Value(stages[i].Recipe, k)).ToList())).ToList();
            for (int n = 0; n < members.Count; n++)
            {
                var recipe = stages[members[n]].Recipe;
                labels[members[n]] = keys.Count == 0
                    ? $"{group.Key} #{n + 1}"
                    : $"{group.Key} ({string.Join(", ", keys.Select(k => $"{k}: {Text(Value(recipe, k))}"))})";
            }
        }
        // Different values can still print alike (e.g. long nested values shortened); fall back to positions.
        return labels.Distinct().Count() == labels.Length ? labels : labels.Select((l, i) => $"{l} #{i + 1}").ToList();
    }

    private static RecipeNode? Value(RecipeMapping recipe, string key) => recipe.TryGetValue(key, out var value) ? value : null;

    private static bool AllEqual(IReadOnlyList<RecipeNode?> values) =>
        values.All(v => v is null ? values[0] is null : v.ContentEquals(values[0]));

    private static string Text(RecipeNode? value)
    {
        if (value is null) return "(default)";
        var text = string.Join(' ', value.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return text.Length <= 40 ? text : text[..37] + "...";
    }
}
