using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Loads a recipe file into a single resolved tree: its <c>_base_</c> files merged underneath
/// it, <c>_delete_</c> markers applied, and command-line overrides applied on top.
/// </summary>
public static class RecipeLoader
{
    /// <summary>The top-level key that lists the files a recipe builds on.</summary>
    public const string BaseKey = "_base_";

    /// <summary>The largest recipe file read, in bytes.</summary>
    public const long MaxFileBytes = 1 << 20;

    /// <summary>Loads and resolves a recipe.</summary>
    /// <param name="path">The recipe file.</param>
    /// <param name="overrides">
    /// <c>key.path=value</c> overrides, applied in order after all files are merged; each value
    /// is parsed as YAML (<c>5</c>, <c>true</c>, <c>[1, 2]</c>, <c>{x: 1}</c>, <c>"text"</c>).
    /// </param>
    /// <returns>The root mapping, free of <c>_base_</c> and <c>_delete_</c> keys.</returns>
    /// <exception cref="RecipeException">Any file, base reference or override is invalid; lists every error found.</exception>
    public static RecipeMapping Load(string path, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(overrides);

        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new RecipeException([new RecipeError(null, string.Empty, $"recipe file not found: {fullPath}")]);
        }

        var errors = new List<RecipeError>();
        var resolver = new BaseResolver(errors);
        var root = resolver.Resolve(fullPath, []) ?? RecipeMapping.Empty(new SourceLocation(fullPath, 1, 1));
        root = RecipeOverrides.Apply(root, overrides, errors);
        root = (RecipeMapping)RecipeMerger.RemoveDirectives(root, string.Empty, errors);
        if (errors.Count > 0)
        {
            throw new RecipeException(errors);
        }

        return root;
    }

    /// <summary>Follows <c>_base_</c> references depth-first, remembering every file it has resolved.</summary>
    private sealed class BaseResolver(List<RecipeError> errors)
    {
        // A file reached twice through different bases (a diamond) is resolved once, so its
        // own errors are reported once.
        private readonly Dictionary<string, RecipeMapping?> _resolved = new(StringComparer.Ordinal);

        public RecipeMapping? Resolve(string file, IReadOnlyList<string> chain)
        {
            if (_resolved.TryGetValue(file, out var known))
            {
                return known;
            }

            var resolved = ResolveUncached(file, [.. chain, file]);
            _resolved[file] = resolved;
            return resolved;
        }

        private RecipeMapping? ResolveUncached(string file, IReadOnlyList<string> chain)
        {
            var own = ReadFile(file);
            if (own is null)
            {
                return null;
            }

            RecipeMapping? merged = null;
            var folder = Path.GetDirectoryName(file) ?? string.Empty;
            foreach (var reference in ReadBaseReferences(own))
            {
                var basePath = BaseReference.Resolve(reference.Value, folder);
                var cycleStart = chain.ToList().IndexOf(basePath);
                if (cycleStart >= 0)
                {
                    var cycle = string.Join(" -> ", chain.Skip(cycleStart).Append(basePath));
                    errors.Add(new RecipeError(reference.Location, BaseKey, $"cycle in base files: {cycle}"));
                    continue;
                }

                if (!File.Exists(basePath))
                {
                    errors.Add(new RecipeError(reference.Location, BaseKey, BaseReference.Missing(reference.Value, basePath)));
                    continue;
                }

                var resolvedBase = Resolve(basePath, chain);
                if (resolvedBase is not null)
                {
                    merged = merged is null ? resolvedBase : (RecipeMapping)RecipeMerger.Merge(merged, resolvedBase);
                }
            }

            own = own.Without(BaseKey);
            return merged is null ? own : (RecipeMapping)RecipeMerger.Merge(merged, own);
        }

        private RecipeMapping? ReadFile(string file)
        {
            string text;
            try
            {
                // Recipes are a few kilobytes; refusing huge files keeps a wrong path (a data file, a
                // checkpoint) from being read whole into memory before it is recognised as not YAML.
                var length = new FileInfo(file).Length;
                if (length > MaxFileBytes)
                {
                    errors.Add(new RecipeError(new SourceLocation(file, 1, 1), string.Empty,
                        $"the file has {length:N0} bytes; a recipe is at most {MaxFileBytes:N0} (is this the right file?)"));
                    return null;
                }

                text = File.ReadAllText(file);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                errors.Add(new RecipeError(new SourceLocation(file, 1, 1), string.Empty, $"cannot read the file: {exception.Message}"));
                return null;
            }

            if (!RecipeYamlReader.TryRead(text, mark => new SourceLocation(file, (int)mark.Line, (int)mark.Column), string.Empty, errors, out var root))
            {
                return null;
            }

            switch (root)
            {
                case null:
                    // A file holding only comments is a valid, if empty, recipe.
                    return RecipeMapping.Empty(new SourceLocation(file, 1, 1));
                case RecipeMapping mapping:
                    return mapping;
                default:
                    var kind = root is RecipeSequence ? "a sequence" : "a scalar";
                    errors.Add(new RecipeError(root.Location, string.Empty, $"the top level of a recipe must be a mapping, got {kind}"));
                    return null;
            }
        }

        private List<RecipeScalar> ReadBaseReferences(RecipeMapping mapping)
        {
            var references = new List<RecipeScalar>();
            switch (mapping.GetEntry(BaseKey)?.Value)
            {
                case null:
                case RecipeScalar { IsNull: true }:
                    break;
                case RecipeScalar single:
                    references.Add(single);
                    break;
                case RecipeSequence list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is RecipeScalar { IsNull: false } item)
                        {
                            references.Add(item);
                        }
                        else
                        {
                            errors.Add(new RecipeError(list[i].Location, KeyPaths.Item(BaseKey, i), "expected a file path"));
                        }
                    }

                    break;
                case var other:
                    errors.Add(new RecipeError(other.Location, BaseKey, "expected a file path or a list of file paths"));
                    break;
            }

            return references;
        }
    }
}
