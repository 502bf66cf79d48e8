using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Writes a recipe tree as block-style YAML, for example to save the fully resolved recipe
/// next to a run's results. Reading the output back yields the same tree.
/// </summary>
public static class RecipeWriter
{
    private const int IndentStep = 2;

    /// <summary>Renders <paramref name="node"/> as YAML.</summary>
    /// <param name="node">The tree to write.</param>
    /// <returns>YAML text ending with a newline; keys appear in the tree's order.</returns>
    public static string ToYaml(RecipeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var lines = new List<string>();
        if (IsInline(node))
        {
            lines.Add(Inline(node));
        }
        else
        {
            Render(node, 0, lines);
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    // Scalars and empty collections fit on the line of their key; only non-empty
    // collections need lines of their own.
    private static bool IsInline(RecipeNode node) => node switch
    {
        RecipeMapping mapping => mapping.Count == 0,
        RecipeSequence sequence => sequence.Count == 0,
        _ => true,
    };

    private static string Inline(RecipeNode node) => node switch
    {
        RecipeMapping => "{}",
        RecipeSequence => "[]",
        RecipeScalar scalar => FormatScalar(scalar),
        _ => throw new InvalidOperationException($"Unknown node type {node.GetType().Name}."),
    };

    private static void Render(RecipeNode node, int indent, List<string> lines)
    {
        var padding = new string(' ', indent);
        switch (node)
        {
            case RecipeMapping mapping:
                foreach (var entry in mapping.Entries)
                {
                    var key = padding + FormatKey(entry.Key) + ":";
                    if (IsInline(entry.Value))
                    {
                        lines.Add(key + " " + Inline(entry.Value));
                    }
                    else
                    {
                        lines.Add(key);
                        Render(entry.Value, indent + IndentStep, lines);
                    }
                }

                break;

            case RecipeSequence sequence:
                foreach (var item in sequence.Items)
                {
                    if (IsInline(item))
                    {
                        lines.Add(padding + "- " + Inline(item));
                        continue;
                    }

                    // A nested collection starts on the dash line: render it one step deeper,
                    // then swap the first line's indentation for the dash, which is exactly as wide.
                    var first = lines.Count;
                    Render(item, indent + IndentStep, lines);
                    lines[first] = padding + "- " + lines[first][(indent + IndentStep)..];
                }

                break;

            default:
                throw new InvalidOperationException($"Cannot render {node.GetType().Name} as a block.");
        }
    }

    private static string FormatKey(string key) => IsSafePlain(key) ? key : Quote(key);

    private static string FormatScalar(RecipeScalar scalar)
    {
        if (scalar.IsNull)
        {
            return "null";
        }

        // A plain scalar normally came from plain YAML and can be written back as is; one that
        // cannot (built in code, or a folded multi-line plain) is quoted, which keeps its text
        // but turns it into an explicit string.
        return !scalar.IsQuoted && IsSafePlain(scalar.Value) ? scalar.Value : Quote(scalar.Value);
    }

    private static bool IsSafePlain(string text)
    {
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return false;
        }

        if (text.Any(NeedsEscape))
        {
            return false;
        }

        // Characters that start something other than a plain scalar when they come first.
        if ("[]{},#&*!|>'\"%@`".Contains(text[0], StringComparison.Ordinal))
        {
            return false;
        }

        if (text[0] is '-' or '?' or ':' && (text.Length == 1 || text[1] == ' '))
        {
            return false;
        }

        if (text.StartsWith("---", StringComparison.Ordinal) || text.StartsWith("...", StringComparison.Ordinal))
        {
            return false;
        }

        return !text.Contains(": ", StringComparison.Ordinal)
            && !text.Contains(" #", StringComparison.Ordinal)
            && !text.EndsWith(':');
    }

    private static string Quote(string text)
    {
        // Single quotes read better and need no escapes, but cannot express control characters.
        if (!text.Any(NeedsEscape))
        {
            return "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
        }

        var quoted = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\0': quoted.Append("\\0"); break;
                default:
                    if (rune.IsBmp && NeedsEscape((char)rune.Value))
                    {
                        quoted.Append("\\u").Append(rune.Value.ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(rune.ToString());
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }

    // Control characters, the byte-order mark and the Unicode line separators (which
    // YamlDotNet treats as line breaks) only survive a round trip as escapes.
    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\uFEFF' or '\u2028' or '\u2029';
}
