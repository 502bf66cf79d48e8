using System.Collections.Generic;
using System.Linq;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Applies <c>key.path=value</c> overrides from the command line to a loaded recipe.
/// </summary>
/// <remarks>
/// A mapping value merges into the mapping at its path, exactly as a <c>_base_</c> part is merged
/// under a file: <c>method={name: moco-v2}</c> changes the name and keeps the other keys (those that
/// belonged to the previous plugin are dropped later, with a notice, by the host's plugin swap), and
/// <c>method={_delete_: true, name: moco-v2}</c> replaces the section whole. Replacing silently
/// would lose options that are not the plugin's (e.g. a pipeline chosen for small data).
/// Any other value replaces what was there.
/// </remarks>
internal static class RecipeOverrides
{
    public static RecipeMapping Apply(RecipeMapping root, IReadOnlyList<string> overrides, List<RecipeError> errors)
    {
        for (var i = 0; i < overrides.Count; i++)
        {
            var text = overrides[i] ?? string.Empty;
            var location = new SourceLocation(SourceLocation.OverrideFile, i + 1, 1) { Argument = text };
            var separator = text.IndexOf('=', System.StringComparison.Ordinal);
            if (separator < 0)
            {
                errors.Add(new RecipeError(location, string.Empty, "invalid override: expected key.path=value"));
                continue;
            }

            var segments = text[..separator].Split('.').Select(segment => segment.Trim()).ToArray();
            if (segments.Any(segment => segment.Length == 0))
            {
                errors.Add(new RecipeError(location, string.Empty, "invalid override: the key is empty or has an empty segment"));
                continue;
            }

            // Indexing a list (evaluate[0].k) is not a key path --set can follow: the binder then called 'evaluate[0]'
            // an unknown key and suggested 'evaluate', which is what was typed.
            if (segments.FirstOrDefault(segment => segment.Contains('[')) is { } indexed)
            {
                var path = string.Join('.', segments.TakeWhile(segment => segment != indexed).Append(indexed[..indexed.IndexOf('[')]));
                // The example repeats what was typed, in the form --set takes: the item's key and value inside the list.
                var rest = string.Join('.', segments.SkipWhile(segment => segment != indexed).Skip(1));
                var typed = text[(separator + 1)..].Trim();
                var example = rest.Length > 0 ? $"[{{name: ..., {rest}: {typed}}}, ...]" : $"[{typed}, ...]";
                errors.Add(new RecipeError(location, string.Join('.', segments.TakeWhile(segment => segment != indexed).Append(indexed)),
                    $"--set cannot change one item of a list; set the whole list in YAML flow style, e.g. --set '{path}={example}'"));
                continue;
            }

            var keyPath = string.Join('.', segments);
            if (!TryParseValue(text[(separator + 1)..], location, keyPath, errors, out var value))
            {
                continue;
            }

            root = Set(root, segments, 0, value, location, errors) ?? root;
        }

        return root;
    }

    private static bool TryParseValue(
        string text,
        SourceLocation location,
        string keyPath,
        List<RecipeError> errors,
        out RecipeNode value)
    {
        // The text is short and single-line, so every parser position is reported as the
        // override itself; a column inside "a.b=[1," would not help anyone find it.
        var valueErrors = new List<RecipeError>();
        var ok = RecipeYamlReader.TryRead(text, _ => location, keyPath, valueErrors, out var parsed);
        errors.AddRange(valueErrors.Select(error => error with { Message = $"invalid override value: {error.Message}" }));
        value = parsed ?? RecipeScalar.Null(location);
        return ok;
    }

    private static RecipeMapping? Set(
        RecipeMapping mapping,
        string[] segments,
        int index,
        RecipeNode value,
        SourceLocation location,
        List<RecipeError> errors)
    {
        var key = segments[index];
        if (index == segments.Length - 1)
        {
            var existing = mapping.GetEntry(key)?.Value;
            return mapping.With(key, location, existing is RecipeMapping && value is RecipeMapping ? RecipeMerger.Merge(existing, value) : value);
        }

        RecipeMapping child;
        switch (mapping.GetEntry(key)?.Value)
        {
            case null:
            case RecipeScalar { IsNull: true }:
                child = RecipeMapping.Empty(location);
                break;
            case RecipeMapping existing:
                child = existing;
                break;
            case var other:
                var prefix = string.Join('.', segments.Take(index + 1));
                var kind = other is RecipeSequence ? "a sequence" : "a scalar";
                errors.Add(new RecipeError(
                    location,
                    string.Join('.', segments),
                    $"cannot set this key because '{prefix}' is {kind}, not a mapping"));
                return null;
        }

        var updated = Set(child, segments, index + 1, value, location, errors);
        return updated is null ? null : mapping.With(key, location, updated);
    }
}
