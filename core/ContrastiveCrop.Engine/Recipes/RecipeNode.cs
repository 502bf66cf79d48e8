using System;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// An immutable node of a recipe tree. Every node remembers where it was written so that
/// errors found long after loading (while binding or validating) can still point at the source.
/// </summary>
public abstract class RecipeNode
{
    // The hierarchy is closed: the merger, binder and writer switch over exactly three kinds.
    private protected RecipeNode(SourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        Location = location;
    }

    /// <summary>Where this node starts in its source.</summary>
    public SourceLocation Location { get; }

    /// <summary>
    /// Compares two trees by content only. Locations are ignored because the same recipe
    /// written to and reloaded from another file must still count as the same recipe.
    /// </summary>
    /// <param name="other">The node to compare with.</param>
    /// <returns><see langword="true"/> when both trees hold the same keys, items and scalars.</returns>
    public abstract bool ContentEquals(RecipeNode? other);

    /// <summary>Renders the subtree as YAML, which is the most readable form in test failures and logs.</summary>
    public override string ToString() => RecipeWriter.ToYaml(this);
}
