using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Thrown when a recipe cannot be loaded or bound. It carries every error found rather than
/// the first one, so that an author can fix a recipe in one pass instead of one run per typo.
/// </summary>
public sealed class RecipeException : Exception
{
    /// <summary>Creates the exception from the errors found.</summary>
    /// <param name="errors">At least one error.</param>
    public RecipeException(IEnumerable<RecipeError> errors)
        : this(ToList(errors))
    {
    }

    private RecipeException(IReadOnlyList<RecipeError> errors)
        : base(string.Join("\n", errors))
    {
        Errors = errors;
    }

    /// <summary>The errors, in the order they were found.</summary>
    public IReadOnlyList<RecipeError> Errors { get; }

    private static ReadOnlyCollection<RecipeError> ToList(IEnumerable<RecipeError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var list = errors.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A recipe exception needs at least one error.", nameof(errors));
        }

        return new ReadOnlyCollection<RecipeError>(list);
    }
}
