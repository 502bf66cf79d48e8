using System;
using System.Collections.Generic;
using System.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Checks a recipe's YAML on the parser's event stream, with an explicit stack instead of recursion,
/// before YamlDotNet builds its (recursive) node tree: syntax, nesting depth, one document, scalar
/// keys, duplicate keys (with where the first one is) and aliases of anchors that exist.
/// </summary>
/// <remarks>
/// Everything is reported in one pass, so an author sees every duplicate key at once. The walk stops at
/// the first nesting level past <see cref="RecipeYamlReader.MaxDepth"/>, so a file of 20 000 open
/// brackets costs 64 stack frames' worth of state, not a stack overflow.
/// </remarks>
internal static class RecipeStructureCheck
{
    private sealed class Frame(bool isMapping, string path, bool insideBadKey)
    {
        /// <summary>Inside a key already reported as not a scalar: nested keys are not reported again.</summary>
        public bool InsideBadKey { get; } = insideBadKey;
        public bool IsMapping { get; } = isMapping;
        public string Path { get; } = path;
        public bool ExpectingKey { get; set; } = true;
        public string ValuePath { get; set; } = path;
        public int Items { get; set; }
        public Dictionary<string, Mark> Keys { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// Where a syntax error is: YamlDotNet's start mark, except for a tab in indentation, which it reports
    /// at the start of the enclosing mapping (often 1:1); the first indenting tab is what must change.
    /// </summary>
    private static Mark WhereToReport(YamlException exception, string text)
    {
        if (!exception.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            return exception.Start;
        }

        var lines = text.Split('\n');
        for (var i = (int)Math.Max(0, exception.Start.Line - 1); i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return new Mark(0, i + 1, tab + 1);
            }
        }

        return exception.Start;
    }

    /// <summary>Walks <paramref name="text"/>; returns <see langword="false"/> when an error was recorded.</summary>
    public static bool Run(
        string text,
        Func<Mark, SourceLocation> locate,
        string keyPath,
        List<RecipeError> errors,
        Func<YamlException, string> describe)
    {
        var countBefore = errors.Count;
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<Frame>();

        // Anchors map to the scalar text they stand for (null for a mapping or sequence), so an alias
        // used as a key can be checked like the key it repeats.
        var anchors = new Dictionary<string, string?>(StringComparer.Ordinal);
        var documents = 0;
        var lastEnd = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                lastEnd = current.End;
                switch (current)
                {
                    case DocumentStart start:
                        if (++documents > 1)
                        {
                            errors.Add(new RecipeError(locate(start.Start), string.Empty, "a recipe must contain a single YAML document"));
                            return false;
                        }

                        break;
                    case Scalar scalar:
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchors[scalar.Anchor.Value] = scalar.Value;
                        }

                        Begin(scalar.Value, scalar.Start);
                        Complete();
                        break;
                    case AnchorAlias alias:
                        if (anchors.TryGetValue(alias.Value.Value, out var aliased))
                        {
                            Begin(aliased, alias.Start);
                        }
                        else
                        {
                            errors.Add(new RecipeError(locate(alias.Start), Begin(string.Empty, alias.Start), $"unknown anchor '*{alias.Value.Value}'"));
                        }

                        Complete();
                        break;
                    case NodeEvent collection and (MappingStart or SequenceStart):
                        var badKey = stack.Count > 0 && (stack.Peek().InsideBadKey || (stack.Peek().IsMapping && stack.Peek().ExpectingKey));
                        var collectionPath = Begin(null, collection.Start);
                        if (stack.Count >= RecipeYamlReader.MaxDepth)
                        {
                            // Past this depth the text is almost certainly runaway brackets; the errors met
                            // on the way down (keys that are brackets) would only bury this one.
                            errors.RemoveRange(countBefore, errors.Count - countBefore);
                            errors.Add(new RecipeError(locate(collection.Start), collectionPath,
                                $"mappings and sequences nest deeper than {RecipeYamlReader.MaxDepth} levels; a recipe needs far fewer " +
                                "(is a bracket or an indentation wrong?)"));
                            return false;
                        }

                        if (!collection.Anchor.IsEmpty)
                        {
                            anchors[collection.Anchor.Value] = null;
                        }

                        stack.Push(new Frame(collection is MappingStart, collectionPath, badKey));
                        break;
                    case MappingEnd or SequenceEnd:
                        stack.Pop();
                        Complete();
                        break;
                }
            }
        }
        catch (YamlException exception)
        {
            errors.Add(new RecipeError(locate(WhereToReport(exception, text)), keyPath, describe(exception)));
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet reports malformed input as YamlException; anything else is still about this
            // text, so it is reported where parsing stopped rather than as a crash of the program.
            errors.Add(new RecipeError(locate(lastEnd), keyPath, $"the YAML cannot be parsed here: {exception.Message}"));
        }

        return errors.Count == countBefore;

        // A node starts: returns its key path, checking it when it is a mapping key. A null
        // scalarText means a mapping or sequence (directly or through an alias).
        string Begin(string? scalarText, Mark start)
        {
            if (stack.Count == 0)
            {
                return keyPath;
            }

            var parent = stack.Peek();
            if (!parent.IsMapping)
            {
                return KeyPaths.Item(parent.Path, parent.Items);
            }

            if (!parent.ExpectingKey)
            {
                return parent.ValuePath;
            }

            if (scalarText is null)
            {
                if (!parent.InsideBadKey)
                {
                    errors.Add(new RecipeError(locate(start), parent.Path, "mapping keys must be scalars"));
                }

                parent.ValuePath = parent.Path;
                return parent.Path;
            }

            parent.ValuePath = KeyPaths.Child(parent.Path, scalarText);
            if (parent.Keys.TryGetValue(scalarText, out var first))
            {
                errors.Add(new RecipeError(locate(start), parent.ValuePath,
                    $"duplicate key '{scalarText}' (first defined at {first.Line}:{first.Column})"));
            }
            else
            {
                parent.Keys.Add(scalarText, start);
            }

            return parent.Path;
        }

        // A node (scalar, alias or whole collection) is complete: a mapping alternates key and
        // value, a sequence counts its items.
        void Complete()
        {
            if (stack.Count == 0)
            {
                return;
            }

            var parent = stack.Peek();
            if (parent.IsMapping)
            {
                parent.ExpectingKey = !parent.ExpectingKey;
            }
            else
            {
                parent.Items++;
            }
        }

    }
}
