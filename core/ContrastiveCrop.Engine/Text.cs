namespace ContrastiveCrop.Engine;

/// <summary>Small text helpers for user-facing messages.</summary>
public static class Text
{
    /// <summary>Levenshtein edit distance between two strings.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>
    /// The candidate closest to <paramref name="word"/> when it is close enough to be a likely typo
    /// (at most a third of the word's length, and at least one edit allowed); otherwise null.
    /// </summary>
    public static string? ClosestMatch(string word, IEnumerable<string> candidates)
    {
        int limit = Math.Max(1, word.Length / 3);
        return candidates
            .Select(c => (Candidate: c, Distance: EditDistance(word.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(x => x.Distance <= limit)
            .OrderBy(x => x.Distance).ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .Select(x => x.Candidate)
            .FirstOrDefault();
    }
}
