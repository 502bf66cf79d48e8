using System.Collections.Generic;
using System.Linq;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Applies <c>key.path=value</c> overrides from the command line to a loaded recipe.
/// </summary>
/// <remarks>
/// An override replaces the value at its path whole, even when both are mappings: someone
/// typing <c>optimizer={name: sgd}</c> means exactly that mapping, and merging it with the
/// file's optimizer settings would keep options that belong to another optimizer.
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
            return mapping.With(key, location, value);
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
