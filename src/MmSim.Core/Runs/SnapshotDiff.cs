// mmsim replay (issue 11): simulated against captured /proc/buddyinfo and /proc/pagetypeinfo.
using MmSim.Scenario.Import;

namespace MmSim.Runs;

/// <summary>One compared number: simulated, captured (null where the file lacks it) and the difference.</summary>
/// <param name="Key">Table, zone, type and order.</param>
/// <param name="Simulated">mmsim's value, or null when mmsim has no such row (a zone or type it does not model).</param>
/// <param name="Real">The captured value, or null when the capture lacks the row (e.g. no CMA row: CONFIG_CMA off).</param>
public readonly record struct SnapshotDiffRow(SnapshotKey Key, long? Simulated, long? Real)
{
    /// <summary>Simulated minus real; null when either is missing.</summary>
    public long? Difference => Simulated is long s && Real is long r ? s - r : null;
}

/// <summary>Pairs the numbers of two snapshots read by <see cref="ProcSnapshot"/>.</summary>
public static class SnapshotDiff
{
    /// <summary>Rows in the simulated file's order, then rows only the captured file has, in its order.</summary>
    /// <param name="simulated">mmsim's numbers.</param>
    /// <param name="real">The captured numbers.</param>
    /// <returns>One row per key of either.</returns>
    public static List<SnapshotDiffRow> Compare(IReadOnlyList<(SnapshotKey Key, long Value)> simulated, IReadOnlyList<(SnapshotKey Key, long Value)> real)
    {
        ArgumentNullException.ThrowIfNull(simulated);
        ArgumentNullException.ThrowIfNull(real);
        var realByKey = new Dictionary<SnapshotKey, long>();
        foreach ((SnapshotKey k, long v) in real)
        {
            realByKey[k] = v;
        }

        var seen = new HashSet<SnapshotKey>();
        var rows = new List<SnapshotDiffRow>(simulated.Count);
        foreach ((SnapshotKey k, long v) in simulated)
        {
            seen.Add(k);
            rows.Add(new SnapshotDiffRow(k, v, realByKey.TryGetValue(k, out long r) ? r : null));
        }

        // Iterating the list, not the dictionary, keeps the order the file's.
        foreach ((SnapshotKey k, long v) in real)
        {
            if (seen.Add(k))
            {
                rows.Add(new SnapshotDiffRow(k, null, v));
            }
        }

        return rows;
    }

    /// <summary>The rows as CSV: table, zone, type, order (empty for pageblock counts), simulated, real, difference.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>CSV text with a header line.</returns>
    public static string Csv(IEnumerable<SnapshotDiffRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var b = new System.Text.StringBuilder("table,zone,type,order,simulated,real,difference\n");
        foreach (SnapshotDiffRow r in rows)
        {
            b.Append(r.Key.Table).Append(',').Append(r.Key.Zone).Append(',').Append(r.Key.Type).Append(',')
             .Append(r.Key.Order < 0 ? string.Empty : r.Key.Order.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',')
             .Append(Num(r.Simulated)).Append(',').Append(Num(r.Real)).Append(',').Append(Num(r.Difference)).Append('\n');
        }

        return b.ToString();
    }

    private static string Num(long? v) => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
}
