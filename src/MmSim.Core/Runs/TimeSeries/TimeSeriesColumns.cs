using System.Globalization;
using MmSim.Mm;

namespace MmSim.Runs.TimeSeries;

/// <summary>
/// The columns of <c>timeseries.parquet</c>, in file order: one row per sample and populated zone.
/// The names are stable (snake_case, documented in docs/results.md); new columns are only appended.
/// </summary>
public static class TimeSeriesColumns
{
    /// <summary>Simulated time of the sample, ns (INT64).</summary>
    public const string TimeNs = "time_ns";

    /// <summary>Zone name as /proc prints it (UTF-8 string).</summary>
    public const string Zone = "zone";

    /// <summary>Migratetype suffixes: /proc/pagetypeinfo's names in lower case.</summary>
    public static IReadOnlyList<string> MigratetypeSuffixes { get; } = BuildSuffixes();

    // Declared before Numeric: static initialisers run in text order.
    /// <summary>Per-zone scalars after the free-block counts, in order.</summary>
    public static IReadOnlyList<string> Scalars { get; } =
        ["nr_free_pages", "nr_free_pages_blocks", "pcp_count", "pcp_high", "boost", "wmark_min", "wmark_low", "wmark_high"];

    /// <summary>Columns after the mixed counts: the zone and node fragmentation scores, the task-state counts and the node's FUSE temp pages.</summary>
    public static IReadOnlyList<string> Trailer { get; } =
        ["fragmentation_score", "proactive_score", "procs_running", "procs_sleeping", "procs_blocked", "nr_writeback_temp"];

    /// <summary>The writeback table's first columns after time_ns: the global dirty thresholds (pages), as /proc/vmstat gives them.</summary>
    public static IReadOnlyList<string> WritebackGlobal { get; } = ["nr_dirty_threshold", "nr_dirty_background_threshold"];

    /// <summary>
    /// Per-mount suffixes of the writeback table, each column named <c>wb_{mount}_{suffix}</c>: pages under
    /// writeback (WB_WRITEBACK), dirty pages (WB_RECLAIMABLE), folios whose writeback completed in the
    /// interval, and the p99 and max writeback lifetime of those folios in µs (0 when none completed).
    /// </summary>
    public static IReadOnlyList<string> WritebackPerMount { get; } =
        ["writeback_pages", "dirty_pages", "completed_folios", "lifetime_p99_us", "lifetime_max_us"];

    /// <summary>The writeback column of <paramref name="mount"/>: <c>wb_{mount}_{suffix}</c>, the mount name in lower case with anything but a-z and 0-9 as '_'.</summary>
    /// <param name="mount">Mount name.</param>
    /// <param name="suffix">One of <see cref="WritebackPerMount"/>.</param>
    /// <returns>The column name.</returns>
    public static string WritebackColumn(string mount, string suffix)
    {
        ArgumentNullException.ThrowIfNull(mount);
        var name = new char[mount.Length];
        for (int i = 0; i < name.Length; i++)
        {
            char ch = char.ToLowerInvariant(mount[i]);
            name[i] = ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? ch : '_';
        }

        return "wb_" + new string(name) + "_" + suffix;
    }

    /// <summary>The INT64 columns after <see cref="TimeNs"/> and <see cref="Zone"/>, in file order.</summary>
    public static IReadOnlyList<string> Numeric { get; } = BuildNumeric();

    /// <summary>Index in <see cref="Numeric"/> of free_o{order}_{migratetype}.</summary>
    /// <param name="order">Order 0..10.</param>
    /// <param name="mt">Migratetype index.</param>
    /// <returns>The column index.</returns>
    public static int FreeIndex(int order, int mt) => (order * MigrateTypes.Count) + mt;

    /// <summary>Index of the first per-zone scalar column (nr_free_pages).</summary>
    public const int ScalarsStart = MmConstants.NrPageOrders * MigrateTypes.Count;

    /// <summary>Index of the first blocks_{migratetype} column.</summary>
    public static int BlocksStart => ScalarsStart + Scalars.Count;

    /// <summary>Index of the first mixed_{migratetype} column.</summary>
    public static int MixedStart => BlocksStart + MigrateTypes.Count;

    /// <summary>Index of the first trailing column (fragmentation_score).</summary>
    public static int TrailerStart => MixedStart + MigrateTypes.Count;

    private static string[] BuildSuffixes()
    {
        var s = new string[MigrateTypes.Count];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = MigrateTypes.Names[i].ToLowerInvariant();
        }

        return s;
    }

    private static string[] BuildNumeric()
    {
        var names = new List<string>();
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            foreach (string mt in BuildSuffixes())
            {
                names.Add(string.Create(CultureInfo.InvariantCulture, $"free_o{order}_{mt}"));
            }
        }

        names.AddRange(Scalars);
        foreach (string mt in BuildSuffixes())
        {
            names.Add("blocks_" + mt);
        }

        foreach (string mt in BuildSuffixes())
        {
            names.Add("mixed_" + mt);
        }

        names.AddRange(Trailer);
        return [.. names];
    }
}
