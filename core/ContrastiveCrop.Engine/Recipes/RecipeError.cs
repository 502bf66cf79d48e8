using System.Text;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// One problem found in a recipe: while loading, applying overrides, binding or validating.
/// </summary>
/// <param name="Location">Where the problem is, when it can be tied to a source position.</param>
/// <param name="KeyPath">
/// The dotted path of the key concerned (<c>optimizer.lr</c>, <c>augment.ops[2]</c>);
/// empty when the problem concerns a file as a whole.
/// </param>
/// <param name="Message">What is wrong, phrased for the recipe author.</param>
public sealed record RecipeError(SourceLocation? Location, string KeyPath, string Message)
{
    /// <summary>Formats the error as <c>file:line:col: key.path: message</c>, leaving out absent parts.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Location is not null)
        {
            text.Append(Location).Append(": ");
        }

        if (!string.IsNullOrEmpty(KeyPath))
        {
            text.Append(KeyPath).Append(": ");
        }

        return text.Append(Message).ToString();
    }
}
