using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Turns YAML text into a <see cref="RecipeNode"/> tree. It works on parser events rather than
/// YamlDotNet's representation model because only the events carry a position for every key.
/// </summary>
internal sealed partial class RecipeYamlReader
{
    private const string StringTag = "tag:yaml.org,2002:str";

    private readonly IParser _parser;
    private readonly Func<Mark, SourceLocation> _locate;
    private readonly List<RecipeError> _errors;
    private readonly Dictionary<string, RecipeNode> _anchors = new(StringComparer.Ordinal);

    private RecipeYamlReader(string text, Func<Mark, SourceLocation> locate, List<RecipeError> errors)
    {
        _parser = new Parser(new StringReader(text));
        _locate = locate;
        _errors = errors;
    }

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
        var countBefore = errors.Count;
        var reader = new RecipeYamlReader(text, locate, errors);
        root = null;
        try
        {
            root = reader.ReadStream(keyPath);
        }
        catch (YamlException exception)
        {
            root = null;
            errors.Add(new RecipeError(locate(exception.Start), keyPath, DescribeSyntaxError(exception)));
        }

        return errors.Count == countBefore;
    }

    // YamlDotNet prefixes its messages with "(Line: .., Col: .., Idx: ..) - (...): "; the
    // position is already in our own prefix, so repeating it would only add noise.
    private static string DescribeSyntaxError(YamlException exception) =>
        MarkPrefix().Replace(exception.Message, string.Empty);

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    private RecipeNode? ReadStream(string keyPath)
    {
        _parser.Consume<StreamStart>();
        if (_parser.TryConsume<StreamEnd>(out _))
        {
            return null;
        }

        _parser.Consume<DocumentStart>();
        var root = ReadNode(keyPath);
        _parser.Consume<DocumentEnd>();

        // Several documents in one recipe would leave it unclear which one is meant.
        if (_parser.Accept<DocumentStart>(out var extra))
        {
            _errors.Add(new RecipeError(_locate(extra.Start), string.Empty, "a recipe must contain a single YAML document"));
        }

        return root;
    }

    private RecipeNode ReadNode(string keyPath)
    {
        var current = _parser.Current ?? throw new InvalidOperationException("The YAML parser ended unexpectedly.");
        switch (current)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                if (_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    return target;
                }

                _errors.Add(new RecipeError(_locate(alias.Start), keyPath, $"unknown anchor '*{alias.Value.Value}'"));
                return RecipeScalar.Null(_locate(alias.Start));

            case Scalar scalar:
                _parser.MoveNext();
                var isString = scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag);
                return Remember(scalar.Anchor, new RecipeScalar(scalar.Value, isString, _locate(scalar.Start)));

            case SequenceStart sequenceStart:
                _parser.MoveNext();
                return Remember(sequenceStart.Anchor, ReadSequenceItems(sequenceStart, keyPath));

            case MappingStart mappingStart:
                _parser.MoveNext();
                return Remember(mappingStart.Anchor, ReadMappingEntries(mappingStart, keyPath));

            default:
                throw new InvalidOperationException($"Unexpected YAML event {current.GetType().Name}.");
        }
    }

    private RecipeSequence ReadSequenceItems(SequenceStart start, string keyPath)
    {
        var items = new List<RecipeNode>();
        while (!_parser.TryConsume<SequenceEnd>(out _))
        {
            items.Add(ReadNode(KeyPaths.Item(keyPath, items.Count)));
        }

        return new RecipeSequence(items, _locate(start.Start));
    }

    private RecipeMapping ReadMappingEntries(MappingStart start, string keyPath)
    {
        var entries = new List<RecipeMappingEntry>();
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(keyPath);
            if (keyNode is not RecipeScalar keyScalar)
            {
                _errors.Add(new RecipeError(keyNode.Location, keyPath, "mapping keys must be scalars"));
                ReadNode(keyPath);
                continue;
            }

            var childPath = KeyPaths.Child(keyPath, keyScalar.Value);
            var value = ReadNode(childPath);
            if (seen.TryGetValue(keyScalar.Value, out var first))
            {
                _errors.Add(new RecipeError(
                    keyScalar.Location,
                    childPath,
                    $"duplicate key '{keyScalar.Value}' (first defined at {first.Line}:{first.Column})"));
                continue;
            }

            seen.Add(keyScalar.Value, keyScalar.Location);
            entries.Add(new RecipeMappingEntry(keyScalar.Value, keyScalar.Location, value));
        }

        return new RecipeMapping(entries, _locate(start.Start));
    }

    private RecipeNode Remember(AnchorName anchor, RecipeNode node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        return node;
    }
}
