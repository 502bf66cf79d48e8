using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Linq;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// An ordered mapping from string keys to nodes. Order is preserved because recipes are
/// read by people: written-out recipes should list keys in the order their authors chose.
/// </summary>
public sealed class RecipeMapping : RecipeNode
{
    private readonly Dictionary<string, int> _indexByKey;

    /// <summary>Creates a mapping.</summary>
    /// <param name="entries">The entries, in order; keys must be unique.</param>
    /// <param name="location">Where the mapping starts.</param>
    /// <exception cref="ArgumentException">Two entries share a key.</exception>
    public RecipeMapping(IEnumerable<RecipeMappingEntry> entries, SourceLocation location)
        : base(location)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var copy = entries.ToArray();
        _indexByKey = new Dictionary<string, int>(copy.Length, StringComparer.Ordinal);
        for (var i = 0; i < copy.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(copy[i], nameof(entries));

            // Duplicates are a user error that the loader reports with positions; reaching
            // this point with one means a caller skipped that check.
            if (!_indexByKey.TryAdd(copy[i].Key, i))
            {
                throw new ArgumentException($"Duplicate key '{copy[i].Key}'.", nameof(entries));
            }
        }

        Entries = new ReadOnlyCollection<RecipeMappingEntry>(copy);
    }

    /// <summary>Creates an empty mapping.</summary>
    /// <param name="location">Where the mapping starts.</param>
    /// <returns>A mapping with no entries.</returns>
    public static RecipeMapping Empty(SourceLocation location) => new(Array.Empty<RecipeMappingEntry>(), location);

    /// <summary>The entries, in order.</summary>
    public IReadOnlyList<RecipeMappingEntry> Entries { get; }

    /// <summary>The keys, in order.</summary>
    public IEnumerable<string> Keys => Entries.Select(entry => entry.Key);

    /// <summary>The number of entries.</summary>
    public int Count => Entries.Count;

    /// <summary>Whether the mapping has <paramref name="key"/>.</summary>
    /// <param name="key">The key to look for.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool ContainsKey(string key) => _indexByKey.ContainsKey(key);

    /// <summary>Looks up the value of <paramref name="key"/>.</summary>
    /// <param name="key">The key to look for.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGetValue(string key, [NotNullWhen(true)] out RecipeNode? value)
    {
        var entry = GetEntry(key);
        value = entry?.Value;
        return entry is not null;
    }

    /// <summary>Looks up the entry of <paramref name="key"/>.</summary>
    /// <param name="key">The key to look for.</param>
    /// <returns>The entry, or <see langword="null"/> when the key is absent.</returns>
    public RecipeMappingEntry? GetEntry(string key) =>
        _indexByKey.TryGetValue(key, out var index) ? Entries[index] : null;

    /// <summary>
    /// Returns a copy with <paramref name="key"/> set to <paramref name="value"/>: replaced in
    /// place when present (keeping its position), appended otherwise.
    /// </summary>
    /// <param name="key">The key to set.</param>
    /// <param name="keyLocation">Where the key is written; used only when the key is new.</param>
    /// <param name="value">The value.</param>
    /// <returns>A new mapping.</returns>
    public RecipeMapping With(string key, SourceLocation keyLocation, RecipeNode value)
    {
        var entries = Entries.ToList();
        if (_indexByKey.TryGetValue(key, out var index))
        {
            entries[index] = entries[index].WithValue(value);
        }
        else
        {
            entries.Add(new RecipeMappingEntry(key, keyLocation, value));
        }

        return new RecipeMapping(entries, Location);
    }

    /// <summary>Returns a copy without <paramref name="key"/>.</summary>
    /// <param name="key">The key to remove.</param>
    /// <returns>A new mapping, or this one when the key is absent.</returns>
    public RecipeMapping Without(string key) =>
        ContainsKey(key)
            ? new RecipeMapping(Entries.Where(entry => entry.Key != key), Location)
            : this;

    /// <inheritdoc />
    public override bool ContentEquals(RecipeNode? other)
    {
        if (other is not RecipeMapping mapping || mapping.Count != Count)
        {
            return false;
        }

        // Order is part of the content: a writer must reproduce it for stable output.
        for (var i = 0; i < Count; i++)
        {
            if (Entries[i].Key != mapping.Entries[i].Key || !Entries[i].Value.ContentEquals(mapping.Entries[i].Value))
            {
                return false;
            }
        }

        return true;
    }
}
