using System;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// A scalar leaf. The text is kept verbatim; whether it is a number, a boolean or a string
/// is only decided when it is bound, because only the target type knows.
/// </summary>
public sealed class RecipeScalar : RecipeNode
{
    /// <summary>Creates a scalar.</summary>
    /// <param name="value">The scalar text as YAML produced it (after unescaping).</param>
    /// <param name="isQuoted">
    /// Whether the scalar was written in a non-plain style (quoted, literal or folded, or tagged
    /// <c>!!str</c>); such a scalar is always a string, never a number, boolean or null.
    /// </param>
    /// <param name="location">Where the scalar starts.</param>
    public RecipeScalar(string value, bool isQuoted, SourceLocation location)
        : base(location)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
        IsQuoted = isQuoted;
    }

    /// <summary>The scalar text.</summary>
    public string Value { get; }

    /// <summary>Whether the scalar was explicitly a string in the source (see the constructor).</summary>
    public bool IsQuoted { get; }

    /// <summary>
    /// Whether the scalar is a YAML null: a plain empty value, <c>~</c> or <c>null</c>.
    /// Derived rather than stored so that a scalar can never be both quoted and null.
    /// </summary>
    public bool IsNull => !IsQuoted && IsNullLiteral(Value);

    /// <summary>Creates a null scalar.</summary>
    /// <param name="location">Where the null was written or implied.</param>
    /// <returns>A plain scalar whose <see cref="IsNull"/> is <see langword="true"/>.</returns>
    public static RecipeScalar Null(SourceLocation location) => new("null", false, location);

    /// <inheritdoc />
    public override bool ContentEquals(RecipeNode? other)
    {
        if (other is not RecipeScalar scalar)
        {
            return false;
        }

        // All spellings of null mean the same thing, so they must compare equal.
        if (IsNull || scalar.IsNull)
        {
            return IsNull && scalar.IsNull;
        }

        return IsQuoted == scalar.IsQuoted && string.Equals(Value, scalar.Value, StringComparison.Ordinal);
    }

    internal static bool IsNullLiteral(string text) =>
        text is "" or "~" or "null" or "Null" or "NULL";
}
