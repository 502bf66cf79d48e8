using System;
using System.Collections.Generic;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>Finds the intended key behind a misspelt one.</summary>
public static class EditDistance
{
    /// <summary>
    /// The Levenshtein distance: the fewest single-character insertions, deletions and
    /// substitutions that turn <paramref name="a"/> into <paramref name="b"/>.
    /// </summary>
    public static int Levenshtein(string a, string b)
    {
        // Only the previous row of the table is needed, so keep two rows instead of the matrix.
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>
    /// The candidate closest to <paramref name="key"/>, or <see langword="null"/> when none is
    /// close enough to be a plausible typo. The allowance grows with the key's length (a third
    /// of it rounded up, between 1 and 3 edits) so short keys do not match everything.
    /// </summary>
    public static string? Suggest(string key, IEnumerable<string> candidates)
    {
        var allowed = Math.Clamp((key.Length + 2) / 3, 1, 3);
        var lowered = key.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Levenshtein(lowered, candidate.ToLowerInvariant());
            if (distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }
}
