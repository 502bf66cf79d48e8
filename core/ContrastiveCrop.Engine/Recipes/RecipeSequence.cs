using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// An ordered list of nodes. Sequences are never merged item by item: a later recipe
/// that sets a sequence replaces it whole, which keeps list contents predictable.
/// </summary>
public sealed class RecipeSequence : RecipeNode
{
    /// <summary>Creates a sequence.</summary>
    /// <param name="items">The items, in order.</param>
    /// <param name="location">Where the sequence starts.</param>
    public RecipeSequence(IEnumerable<RecipeNode> items, SourceLocation location)
        : base(location)
    {
        ArgumentNullException.ThrowIfNull(items);
        var copy = items.ToArray();
        if (copy.Any(item => item is null))
        {
            throw new ArgumentException("Sequence items must not be null; use RecipeScalar.Null instead.", nameof(items));
        }

        Items = new ReadOnlyCollection<RecipeNode>(copy);
    }

    /// <summary>The items, in source order.</summary>
    public IReadOnlyList<RecipeNode> Items { get; }

    /// <summary>The number of items.</summary>
    public int Count => Items.Count;

    /// <summary>The item at <paramref name="index"/>.</summary>
    /// <param name="index">0-based index.</param>
    public RecipeNode this[int index] => Items[index];

    /// <inheritdoc />
    public override bool ContentEquals(RecipeNode? other)
    {
        if (other is not RecipeSequence sequence || sequence.Count != Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (!Items[i].ContentEquals(sequence.Items[i]))
            {
                return false;
            }
        }

        return true;
    }
}
