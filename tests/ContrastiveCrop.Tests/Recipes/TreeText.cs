using System.Linq;

using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Tests.Recipes;

/// <summary>
/// A compact one-line rendering of a tree, independent of <see cref="RecipeWriter"/>, so that
/// expected trees can be written by hand: mappings as {k: v}, sequences as [a, b], nulls as ~,
/// quoted scalars in double quotes.
/// </summary>
internal static class TreeText
{
    public static string Of(RecipeNode node) => node switch
    {
        RecipeMapping mapping => "{" + string.Join(", ", mapping.Entries.Select(entry => entry.Key + ": " + Of(entry.Value))) + "}",
        RecipeSequence sequence => "[" + string.Join(", ", sequence.Items.Select(Of)) + "]",
        RecipeScalar { IsNull: true } => "~",
        RecipeScalar { IsQuoted: true } scalar => "\"" + scalar.Value + "\"",
        RecipeScalar scalar => scalar.Value,
        _ => "?",
    };
}
