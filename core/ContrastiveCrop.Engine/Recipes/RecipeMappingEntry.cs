using System;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// One key of a <see cref="RecipeMapping"/>. The key's own position is kept apart from the
/// value's because errors about the key (unknown, misspelt, invalid) should point at the key.
/// </summary>
public sealed class RecipeMappingEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="key">The key text.</param>
    /// <param name="keyLocation">Where the key is written.</param>
    /// <param name="value">The value node.</param>
    public RecipeMappingEntry(string key, SourceLocation keyLocation, RecipeNode value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(keyLocation);
        ArgumentNullException.ThrowIfNull(value);
        Key = key;
        KeyLocation = keyLocation;
        Value = value;
    }

    /// <summary>The key text.</summary>
    public string Key { get; }

    /// <summary>Where the key is written.</summary>
    public SourceLocation KeyLocation { get; }

    /// <summary>The value node.</summary>
    public RecipeNode Value { get; }

    /// <summary>Returns a copy of this entry holding <paramref name="value"/>.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>A new entry with the same key and key location.</returns>
    public RecipeMappingEntry WithValue(RecipeNode value) => new(Key, KeyLocation, value);
}
