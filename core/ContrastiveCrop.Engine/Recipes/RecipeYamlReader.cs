using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Turns YAML text into a <see cref="RecipeNode"/> tree, built from YamlDotNet's node tree
/// (<see cref="YamlStream"/>), whose nodes carry the start mark of every key and value.
/// </summary>
/// <remarks>
/// Reading is bounded so that no recipe can exhaust the stack or memory: <see cref="RecipeStructureCheck"/>
/// first walks the parser's events without recursion and refuses nesting deeper than
/// <see cref="MaxDepth"/> (YamlDotNet builds its tree recursively), and the tree is refused when its
/// aliases would expand it beyond <see cref="MaxExpandedNodes"/> nodes (the "billion laughs" recipe
/// is a few hundred bytes that stand for billions of nodes).
/// </remarks>
internal static partial class RecipeYamlReader
{
    /// <summary>Deepest nesting of mappings and sequences accepted; real recipes use fewer than ten levels.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes a recipe may stand for once every alias is expanded; real recipes have a few hundred.</summary>
    public const int MaxExpandedNodes = 100_000;

    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>Reads the single document of <paramref name="text"/>.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="locate">Maps parser positions to source locations.</param>
    /// <param name="keyPath">The key path of the document root, used in error messages.</param>
    /// <param name="errors">Receives syntax and structure errors.</param>
    /// <param name="root">The root node; <see langword="null"/> when the text holds no document.</param>
    /// <returns><see langword="false"/> when an error was recorded.</returns>
    public static bool TryRead(
        string text,
        Func<Mark, SourceLocation> locate,
        string keyPath,
        List<RecipeError> errors,
        out RecipeNode? root)
    {
        root = null;
        var countBefore = errors.Count;
        if (!RecipeStructureCheck.Run(text, locate, keyPath, errors, DescribeSyntaxError))
        {
            return false;
        }

        YamlNode? document;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            document = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException exception)
        {
            // The structure check has seen every event already, so this is only a safety net.
            errors.Add(new RecipeError(locate(exception.Start), keyPath, DescribeSyntaxError(exception)));
            return false;
        }

        if (document is null)
        {
            return true;
        }

        var sizes = new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance);
        var expanded = ExpandedSize(document, 0, sizes);
        if (expanded is null)
        {
            errors.Add(new RecipeError(locate(document.Start), keyPath,
                $"aliases nest deeper than {MaxDepth} levels (an anchor used inside itself?); write the values out instead"));
            return false;
        }

        if (expanded > MaxExpandedNodes)
        {
            errors.Add(new RecipeError(locate(document.Start), keyPath,
                $"its aliases expand to more than {MaxExpandedNodes:N0} values ({expanded:N0}); a recipe this large is almost " +
                "certainly anchors that repeat each other (a 'billion laughs'): write the values out instead"));
            return false;
        }

        root = Convert(document, locate, new Dictionary<YamlNode, RecipeNode>(ReferenceEqualityComparer.Instance));
        return errors.Count == countBefore;
    }

    // YamlDotNet prefixes its messages with "(Line: .., Col: .., Idx: ..) - (...): "; the
    // position is already in our own prefix, so repeating it would only add noise.
    internal static string DescribeSyntaxError(YamlException exception) =>
        MarkPrefix().Replace(exception.Message, string.Empty);

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    /// <summary>
    /// The number of nodes <paramref name="node"/> stands for with aliases expanded, saturating at
    /// one past the limit; <see langword="null"/> when aliases make it deeper than <see cref="MaxDepth"/>.
    /// Memoised by node identity, so shared subtrees are measured once: linear in the unexpanded tree.
    /// </summary>
    private static long? ExpandedSize(YamlNode node, int depth, Dictionary<YamlNode, long> sizes)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        if (sizes.TryGetValue(node, out var known))
        {
            return known;
        }

        long size = 1;
        IEnumerable<YamlNode> children = node switch
        {
            YamlMappingNode mapping => EntriesOf(mapping),
            YamlSequenceNode sequence => sequence.Children,
            _ => [],
        };
        foreach (var child in children)
        {
            if (ExpandedSize(child, depth + 1, sizes) is not { } childSize)
            {
                return null;
            }

            size = Math.Min(size + childSize, MaxExpandedNodes + 1L);
        }

        sizes[node] = size;
        return size;
    }

    private static IEnumerable<YamlNode> EntriesOf(YamlMappingNode mapping)
    {
        foreach (var (key, value) in mapping.Children)
        {
            yield return key;
            yield return value;
        }
    }

    /// <summary>Converts a YamlDotNet node; an aliased node is converted once and shared, as YamlDotNet shares it.</summary>
    private static RecipeNode Convert(YamlNode node, Func<Mark, SourceLocation> locate, Dictionary<YamlNode, RecipeNode> converted)
    {
        if (converted.TryGetValue(node, out var known))
        {
            return known;
        }

        RecipeNode result = node switch
        {
            YamlScalarNode scalar => new RecipeScalar(
                scalar.Value ?? string.Empty,
                scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag),
                locate(scalar.Start)),
            YamlSequenceNode sequence => new RecipeSequence(
                [.. System.Linq.Enumerable.Select(sequence.Children, item => Convert(item, locate, converted))],
                locate(sequence.Start)),
            YamlMappingNode mapping => new RecipeMapping(
                [.. System.Linq.Enumerable.Select(mapping.Children, entry => new RecipeMappingEntry(
                    ((YamlScalarNode)entry.Key).Value ?? string.Empty,
                    locate(entry.Key.Start),
                    Convert(entry.Value, locate, converted)))],
                locate(mapping.Start)),
            _ => throw new InvalidOperationException($"Unexpected YAML node {node.GetType().Name}."),
        };
        converted[node] = result;
        return result;
    }
}
