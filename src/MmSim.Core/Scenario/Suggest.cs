namespace MmSim.Scenario;

/// <summary>
/// "Did you mean …" hints: finds the known name closest to a misspelt one by edit distance.
/// </summary>
internal static class Suggest
{
    /// <summary>Returns the closest candidate, or null when none is close enough to be a plausible typo.</summary>
    /// <param name="wrong">What the user wrote.</param>
    /// <param name="candidates">Known names.</param>
    /// <returns>
    /// The best candidate within a third of its length (at least 2 edits), else null; also null
    /// when two candidates are equally near (<c>6.19</c> is as near 6.12 as 6.18), since a
    /// guess between them would mislead.
    /// </returns>
    public static string? Closest(string wrong, IEnumerable<string> candidates)
    {
        List<string> list = [.. candidates];
        string? best = Nearest(wrong, list, out int distance);
        if (best is null || list.Count(c => Distance(wrong, c) == distance) > 1)
        {
            return null;
        }

        int allowed = Math.Max(2, best.Length / 3);
        return distance <= allowed ? best : null;
    }

    /// <summary>Returns the nearest candidate however far it is (ties: first in order).</summary>
    /// <param name="wrong">What the user wrote.</param>
    /// <param name="candidates">Known names.</param>
    /// <param name="distance">Edit distance of the result (case differences are free).</param>
    /// <returns>The nearest candidate, or null when there are none.</returns>
    public static string? Nearest(string wrong, IEnumerable<string> candidates, out int distance)
    {
        string? best = null;
        distance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int d = Distance(wrong, candidate);
            if (d < distance)
            {
                best = candidate;
                distance = d;
            }
        }

        return best;
    }

    /// <summary>
    /// Optimal-string-alignment distance (Levenshtein plus adjacent transposition) with
    /// case-insensitive matching, so <c>Dma32</c> is 0 edits from <c>DMA32</c> and a swap is one.
    /// </summary>
    internal static int Distance(string a, string b)
    {
        // Bounded: names are short; refuse to build a huge table for a pathological input.
        if (a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue / 2;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                }

                d[i, j] = v;
            }
        }

        return d[a.Length, b.Length];
    }
}
