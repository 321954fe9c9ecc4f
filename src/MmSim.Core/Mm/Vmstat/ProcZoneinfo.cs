using System.Diagnostics;
using System.Numerics;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// /proc/zoneinfo: for every zone (unpopulated ones too) the free pages, watermarks, sizes and
/// lowmem protection; for populated zones also the zone counters, the per-cpu pageset and start_pfn;
/// the node counters appear once, under the first populated zone.
/// </summary>
/// <remarks>
/// Mirrors mm/vmstat.c: zoneinfo_show → zoneinfo_show_print as of 6.18 (which, unlike later trees,
/// ends each populated zone at start_pfn). The 6.18 kernel mmsim models has CONFIG_ZONE_DEVICE, so
/// a fifth, always-empty "Device" zone follows Movable. mmsim has one CPU ("cpu: 0"). Each zone prints
/// its own counters (<see cref="Zone.VmStat"/>, then its NUMA events <see cref="Zone.VmNumaEvent"/>),
/// the node block <see cref="PgData.VmStat"/>. "vm stats threshold" is calculate_normal_threshold
/// (kswapd's temporary pressure threshold is not modelled).
/// </remarks>
public static class ProcZoneinfo
{
    /// <summary>Name of ZONE_DEVICE, the zone after Movable that mmsim never populates.</summary>
    public const string DeviceZoneName = "Device";

    private const int NrOnlineCpus = 1;

    /// <summary>Writes /proc/zoneinfo.</summary>
    /// <param name="m">Destination; lines end in '\n'.</param>
    /// <param name="pgdat">The node.</param>
    /// <param name="nodeUnreclaimable">6.18: pgdat->kswapd_failures ≥ MAX_RECLAIM_RETRIES (kswapd gave up on the node).</param>
    /// <remarks>mm/vmstat.c: zoneinfo_show_print for each zone. Cost: O(zones × items).</remarks>
    public static void Show(TextWriter m, PgData pgdat, bool nodeUnreclaimable = false)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(pgdat);
        Zone? firstPopulated = null;
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                firstPopulated = zone;
                break;
            }
        }

        foreach (Zone zone in pgdat.Zones)
        {
            ZoneinfoShowPrint(m, pgdat, zone, zone == firstPopulated, nodeUnreclaimable);
        }

        ShowDeviceZone(m);
    }

    /// <summary>The text of /proc/zoneinfo.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="nodeUnreclaimable">Whether kswapd gave up on the node.</param>
    /// <returns>The file contents.</returns>
    public static string Render(PgData pgdat, bool nodeUnreclaimable = false) =>
        SeqPrintf.Render(pgdat, (w, p) => Show(w, p, nodeUnreclaimable));

    /// <summary>calculate_normal_threshold: the per-cpu vmstat drift allowed before folding.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="nrOnlineCpus">num_online_cpus().</param>
    /// <returns>min(125, 2·fls(cpus)·(1 + fls(managed in 128 MiB units))).</returns>
    /// <remarks>mm/vmstat.c: calculate_normal_threshold.</remarks>
    public static int CalculateNormalThreshold(Zone zone, int nrOnlineCpus = NrOnlineCpus)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfLessThan(nrOnlineCpus, 1);
        long mem = zone.ManagedPages >> (27 - MmConstants.PageShift);
        int threshold = 2 * Fls((ulong)nrOnlineCpus) * (1 + Fls((ulong)mem));
        return Math.Min(125, threshold);
    }

    // fls: 1-based index of the highest set bit, 0 for 0.
    private static int Fls(ulong x) => x == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(x);

    // mm/vmstat.c: zoneinfo_show_print.
    private static void ZoneinfoShowPrint(TextWriter m, PgData pgdat, Zone zone, bool firstPopulated, bool nodeUnreclaimable)
    {
        m.Write("Node ");
        SeqPrintf.Dec(m, SeqPrintf.NodeId);
        m.Write(", zone ");
        SeqPrintf.Str(m, zone.Name, 8);
        if (firstPopulated)
        {
            m.Write("\n  per-node stats");
            for (var item = (NodeStatItem)0; item < NodeStatItem.NrVmNodeStatItems; item++)
            {
                Item(m, VmstatText.NodeStatName(item), ProcVmstat.NodePageStatePages(pgdat, item));
            }
        }

        Span<long> marks = [zone.WmarkPages(WatermarkIndex.Min), zone.WmarkPages(WatermarkIndex.Low),
            zone.WmarkPages(WatermarkIndex.High), zone.WmarkPages(WatermarkIndex.Promo)];
        ShowSizes(m, zone.ZonePageState(ZoneStatItem.NrFreePages), zone.WatermarkBoost, marks,
            zone.SpannedPages, zone.PresentPages, zone.ManagedPages, zone.CmaPages, zone.LowmemReserve);

        // If unpopulated, no other information is useful.
        if (!zone.IsPopulated)
        {
            m.Write('\n');
            return;
        }

        for (var item = (ZoneStatItem)0; item < ZoneStatItem.NrVmZoneStatItems; item++)
        {
            Item(m, VmstatText.ZoneStatName(item), zone.ZonePageState(item));
        }

        for (var item = (NumaStatItem)0; item < NumaStatItem.NrVmNumaEventItems; item++)
        {
            Item(m, VmstatText.NumaStatName(item), zone.ZoneNumaEventState(item));
        }

        ShowPagesets(m, zone);
        m.Write("\n  node_unreclaimable:  ");
        SeqPrintf.Dec(m, nodeUnreclaimable ? 1 : 0);
        m.Write("\n  start_pfn:           ");
        SeqPrintf.Dec(m, zone.ZoneStartPfn);
        m.Write('\n');
    }

    // The "pages free … protection: (…)" block every zone prints.
    private static void ShowSizes(TextWriter m, long free, long boost, ReadOnlySpan<long> marks,
        long spanned, long present, long managed, long cma, ReadOnlySpan<long> lowmemReserve)
    {
        Debug.Assert(marks.Length == 4, "min, low, high, promo");
        Debug.Assert(lowmemReserve.Length == ZoneTypes.Count + 1, "MAX_NR_ZONES entries incl. ZONE_DEVICE");
        Line(m, "\n  pages free     ", free);
        Line(m, "\n        boost    ", boost);
        Line(m, "\n        min      ", marks[0]);
        Line(m, "\n        low      ", marks[1]);
        Line(m, "\n        high     ", marks[2]);
        Line(m, "\n        promo    ", marks[3]);
        Line(m, "\n        spanned  ", spanned);
        Line(m, "\n        present  ", present);
        Line(m, "\n        managed  ", managed);
        Line(m, "\n        cma      ", cma);
        m.Write("\n        protection: (");
        SeqPrintf.Dec(m, lowmemReserve[0]);
        for (int i = 1; i < lowmemReserve.Length; i++)
        {
            m.Write(", ");
            SeqPrintf.Dec(m, lowmemReserve[i]);
        }

        m.Write(')');
    }

    // for_each_online_cpu: mmsim's one CPU.
    private static void ShowPagesets(TextWriter m, Zone zone)
    {
        PerCpuPages pcp = zone.Pcp;
        m.Write("\n  pagesets");
        Line(m, "\n    cpu: ", 0);
        Line(m, "\n              count:    ", pcp.Count);
        Line(m, "\n              high:     ", pcp.High);
        Line(m, "\n              batch:    ", pcp.Batch);
        Line(m, "\n              high_min: ", pcp.HighMin);
        Line(m, "\n              high_max: ", pcp.HighMax);
        Line(m, "\n  vm stats threshold: ", CalculateNormalThreshold(zone));
    }

    // ZONE_DEVICE: present in the kernel's node_zones[], never populated in mmsim.
    private static void ShowDeviceZone(TextWriter m)
    {
        m.Write("Node ");
        SeqPrintf.Dec(m, SeqPrintf.NodeId);
        m.Write(", zone ");
        SeqPrintf.Str(m, DeviceZoneName, 8);
        Span<long> zeros = stackalloc long[ZoneTypes.Count + 1];
        ShowSizes(m, 0, 0, zeros[..4], 0, 0, 0, 0, zeros);
        m.Write('\n');
    }

    // "\n      %-12s %lu"
    private static void Item(TextWriter m, string name, long value)
    {
        m.Write("\n      ");
        SeqPrintf.Str(m, name, -12);
        m.Write(' ');
        SeqPrintf.Dec(m, value);
    }

    private static void Line(TextWriter m, string label, long value)
    {
        m.Write(label);
        SeqPrintf.Dec(m, value);
    }
}
