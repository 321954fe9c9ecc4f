// mmsim replay (issue 11): the free-page tables of /proc/buddyinfo and /proc/pagetypeinfo, read back.
using System.Globalization;

namespace MmSim.Scenario.Import;

/// <summary>One number of a snapshot: which table, zone, migratetype and order it is.</summary>
/// <param name="Table">"buddyinfo" (free blocks per order), "pagetypeinfo free" (per order and type) or
/// "pagetypeinfo blocks" (pageblocks per type).</param>
/// <param name="Zone">Zone name.</param>
/// <param name="Type">Migratetype name; empty for buddyinfo.</param>
/// <param name="Order">Order; -1 for the pageblock counts.</param>
public readonly record struct SnapshotKey(string Table, string Zone, string Type, int Order);

/// <summary>
/// Reads the tables of /proc/buddyinfo (mm/vmstat.c: frag_show_print) and /proc/pagetypeinfo (pagetypeinfo_showfree_print,
/// pagetypeinfo_showblockcount_print) into numbers keyed by table, zone, type and order. mmsim's own files are read with
/// the same code (rendered by ProcBuddyinfo and ProcPagetypeinfo), so simulated and real go through one parser.
/// </summary>
/// <remarks>Node 0 only, like the rest of mmsim. A free count printed as "&gt;100000" (the kernel stops counting there)
/// reads as 100000. The mixed-block table (page_owner) is not read.</remarks>
public static class ProcSnapshot
{
    /// <summary>The buddyinfo table name.</summary>
    public const string Buddyinfo = "buddyinfo";

    /// <summary>The pagetypeinfo free table name.</summary>
    public const string PagetypeFree = "pagetypeinfo free";

    /// <summary>The pagetypeinfo pageblock table name.</summary>
    public const string PagetypeBlocks = "pagetypeinfo blocks";

    /// <summary>Reads /proc/buddyinfo.</summary>
    /// <param name="text">File content.</param>
    /// <param name="file">Name for messages.</param>
    /// <returns>Free blocks per zone and order, in file order.</returns>
    /// <exception cref="ImportException">A line is not "Node N, zone NAME count…".</exception>
    public static List<(SnapshotKey Key, long Value)> ParseBuddyinfo(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new List<(SnapshotKey, long)>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].Trim();
            if (t.Length == 0)
            {
                continue;
            }

            // "Node 0, zone   Normal   1130    739 ..."
            string[] p = t.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
            if (p.Length < 5 || p[0] != "Node" || p[2] != "zone")
            {
                throw new ImportException($"{file}:{i + 1}: buddyinfo: expected \"Node N, zone NAME count count ...\", got \"{Clip(t)}\"");
            }

            if (p[1] != "0")
            {
                continue;
            }

            for (int order = 0; order < p.Length - 4; order++)
            {
                values.Add((new SnapshotKey(Buddyinfo, p[3], string.Empty, order), Count(p[4 + order], file, i + 1, "buddyinfo")));
            }
        }

        if (values.Count == 0)
        {
            throw new ImportException($"{file}:1: buddyinfo: no \"Node 0, zone NAME ...\" line: not a /proc/buddyinfo");
        }

        return values;
    }

    /// <summary>Reads the free table and the pageblock table of /proc/pagetypeinfo.</summary>
    /// <param name="text">File content.</param>
    /// <param name="file">Name for messages.</param>
    /// <returns>Free blocks per zone, type and order, then pageblocks per zone and type, in file order.</returns>
    /// <exception cref="ImportException">The tables are missing or a row is malformed.</exception>
    public static List<(SnapshotKey Key, long Value)> ParsePagetypeinfo(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new List<(SnapshotKey, long)>();
        string[] lines = text.Split('\n');
        string[]? blockTypes = null;
        bool sawFree = false;
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].Trim();
            if (t.StartsWith("Number of mixed blocks", StringComparison.Ordinal))
            {
                break;
            }

            if (t.StartsWith("Number of blocks type", StringComparison.Ordinal))
            {
                blockTypes = t["Number of blocks type".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                continue;
            }

            if (!t.StartsWith("Node ", StringComparison.Ordinal))
            {
                continue;
            }

            string[] p = t.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
            if (p.Length < 4 || p[2] != "zone")
            {
                throw new ImportException($"{file}:{i + 1}: pagetypeinfo: expected \"Node N, zone NAME, ...\", got \"{Clip(t)}\"");
            }

            bool node0 = p[1] == "0";
            if (p.Length > 5 && p[4] == "type")
            {
                // "Node    0, zone   Normal, type    Unmovable    968    626 ..."
                sawFree = true;
                for (int order = 0; order < p.Length - 6; order++)
                {
                    long v = Count(p[6 + order], file, i + 1, "pagetypeinfo");
                    if (node0)
                    {
                        values.Add((new SnapshotKey(PagetypeFree, p[3], p[5], order), v));
                    }
                }

                continue;
            }

            if (blockTypes is null)
            {
                throw new ImportException($"{file}:{i + 1}: pagetypeinfo: a zone row before the \"Number of blocks type\" header");
            }

            if (p.Length - 4 != blockTypes.Length)
            {
                throw new ImportException($"{file}:{i + 1}: pagetypeinfo: {p.Length - 4} pageblock counts for {blockTypes.Length} types in the header");
            }

            for (int k = 0; k < blockTypes.Length; k++)
            {
                long v = Count(p[4 + k], file, i + 1, "pagetypeinfo");
                if (node0)
                {
                    values.Add((new SnapshotKey(PagetypeBlocks, p[3], blockTypes[k], -1), v));
                }
            }
        }

        if (!sawFree || blockTypes is null)
        {
            throw new ImportException($"{file}:1: pagetypeinfo: no \"Free pages count per migrate type\" rows or no \"Number of blocks type\" table: not a /proc/pagetypeinfo");
        }

        return values;
    }

    private static long Count(string s, string file, int line, string what)
    {
        // pagetypeinfo_showfree_print stops at 100000 and prints ">100000".
        string digits = s.StartsWith('>') ? s[1..] : s;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
        {
            throw new ImportException($"{file}:{line}: {what}: '{Clip(s)}' is not a count");
        }

        return v;
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
