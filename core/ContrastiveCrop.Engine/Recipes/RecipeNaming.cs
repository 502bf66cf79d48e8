using System.Text;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Translates C# member names to the spellings recipes use: snake_case for keys and
/// kebab-case for enum values.
/// </summary>
internal static class RecipeNaming
{
    public static string ToSnakeCase(string name) => Separate(name, '_');

    public static string ToKebabCase(string name) => Separate(name, '-');

    /// <summary>
    /// Whether a recipe value names an enum member. Case and separators are ignored so that
    /// <c>random-resized-crop</c>, <c>random_resized_crop</c> and <c>RandomResizedCrop</c>
    /// all work, which spares authors from guessing which convention a plugin picked.
    /// </summary>
    public static bool MatchesEnumMember(string value, string memberName) =>
        string.Equals(Squash(value), Squash(memberName), System.StringComparison.Ordinal);

    private static string Squash(string text)
    {
        var squashed = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is not '-' and not '_')
            {
                squashed.Append(char.ToLowerInvariant(c));
            }
        }

        return squashed.ToString();
    }

    // A word starts at an upper-case letter that follows a lower-case letter or digit
    // (warmupEpochs, Top1Accuracy) or that ends a run of capitals before a lower-case
    // letter (LRSchedule -> lr_schedule).
    private static string Separate(string name, char separator)
    {
        var result = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var startsWord = i > 0
                    && (char.IsLower(name[i - 1])
                        || char.IsDigit(name[i - 1])
                        || (char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1])));
                if (startsWord)
                {
                    result.Append(separator);
                }

                result.Append(char.ToLowerInvariant(c));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }
}
