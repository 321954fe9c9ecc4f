namespace MmSim.Kernel;

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

    /// <summary>
    /// Like <see cref="Closest"/>, except that a tie between names differing from the wrong one
    /// only in a trailing version goes to the numerically nearest version: <c>linux-6.17</c> is one
    /// edit from both <c>linux-6.12</c> and <c>linux-6.18</c>, and 6.17 behaves like 6.18.
    /// </summary>
    /// <param name="wrong">What the user wrote.</param>
    /// <param name="candidates">Known names.</param>
    /// <returns>The suggestion, or null when none is close or the nearest versions tie too.</returns>
    /// <remarks>For names of releases and designs; <see cref="Closest"/> stays the rule for keys and words.</remarks>
    public static string? ClosestVersioned(string wrong, IEnumerable<string> candidates)
    {
        List<string> list = [.. candidates];
        string? best = Nearest(wrong, list, out int distance);
        if (best is null || distance > Math.Max(2, best.Length / 3))
        {
            return null;
        }

        List<string> tied = [.. list.Where(c => Distance(wrong, c) == distance)];
        return tied.Count == 1 ? best : NearestVersion(wrong, tied);
    }

    // The tied candidate whose trailing version is nearest the wrong name's, when all share its
    // prefix and exactly one is nearest; else null (no guess).
    private static string? NearestVersion(string wrong, List<string> tied)
    {
        if (!TrySplitVersion(wrong, out string prefix, out long version))
        {
            return null;
        }

        string? pick = null;
        long gapMin = long.MaxValue;
        bool unique = false;
        foreach (string candidate in tied)
        {
            if (!TrySplitVersion(candidate, out string p, out long v) || !string.Equals(p, prefix, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            long gap = Math.Abs(v - version);
            unique = gap < gapMin || (gap > gapMin && unique);
            if (gap < gapMin)
            {
                (pick, gapMin) = (candidate, gap);
            }
        }

        return unique ? pick : null;
    }

    // "linux-6.17" → ("linux-", 6_017_000_000_000): up to four dotted components of at most three
    // digits each, weighted so that an earlier component outweighs every later one.
    private static bool TrySplitVersion(string name, out string prefix, out long version)
    {
        int start = name.Length;
        while (start > 0 && (char.IsAsciiDigit(name[start - 1]) || name[start - 1] == '.'))
        {
            start--;
        }

        prefix = name[..start];
        version = 0;
        string[] parts = name[start..].Split('.');
        if (parts.Length > 4 || parts.Any(p => p.Length is 0 or > 3))
        {
            return false;
        }

        for (int i = 0; i < 4; i++)
        {
            version = (version * 1000) + (i < parts.Length ? long.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture) : 0);
        }

        return true;
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
