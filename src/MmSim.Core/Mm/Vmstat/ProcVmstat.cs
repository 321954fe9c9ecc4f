using System.Diagnostics;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

using MmSim.Mm.Writeback;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// /proc/vmstat: every counter in vmstat_text order (<see cref="VmstatText"/>) as "name value", then
/// the deprecated "nr_unstable 0".
/// </summary>
/// <remarks>
/// Mirrors mm/vmstat.c: vmstat_start (which snapshots the values) and vmstat_show. Units follow the
/// kernel: <see cref="Zone.VmStat"/>, <see cref="Zone.VmNumaEvent"/>, <see cref="PgData.VmStat"/> and
/// <see cref="PgData.VmEvents"/> hold each counter as the kernel keeps it and this file
/// converts on output as vmstat_start does — the five THP items (nr_anon_transparent_hugepages,
/// nr_file_hugepages, nr_shmem_hugepages, nr_shmem_pmdmapped, nr_file_pmdmapped) are kept in base
/// pages and printed in huge pages, pgpgin/pgpgout are kept in 512-byte sectors and printed in KiB.
/// mmsim counts slab in pages, so the kernel's byte-to-page conversion of NR_SLAB_*_B does not apply.
/// </remarks>
public static class ProcVmstat
{
    /// <summary>HPAGE_PMD_NR: base pages per PMD-mapped huge page.</summary>
    public const int HpagePmdNr = MmConstants.PageblockNrPages;

    /// <summary>Bytes of memmap (sizeof(struct page)) per page frame on x86-64.</summary>
    public const int StructPageSizeBytes = 64;

    /// <summary>Pages per memory section (SECTION_SIZE_BITS 27, 128 MiB) on x86-64.</summary>
    public const int PagesPerSection = 1 << (27 - MmConstants.PageShift);

    /// <summary>Writes /proc/vmstat.</summary>
    /// <param name="m">Destination; lines end in '\n'.</param>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirtyRatioPercent">vm.dirty_ratio for nr_dirty_threshold.</param>
    /// <param name="dirtyBackgroundRatioPercent">vm.dirty_background_ratio for nr_dirty_background_threshold.</param>
    /// <remarks>mm/vmstat.c: vmstat_show, "%s %lu\n" per item. Cost: O(items + zones²).</remarks>
    public static void Show(TextWriter m, PgData pgdat,
        int dirtyRatioPercent = GlobalDirtyLimits.DefaultDirtyRatio,
        int dirtyBackgroundRatioPercent = GlobalDirtyLimits.DefaultDirtyBackgroundRatio) =>
        Show(m, pgdat, RatioSysctl(dirtyRatioPercent, dirtyBackgroundRatioPercent));

    /// <summary>Writes /proc/vmstat with the thresholds of <paramref name="dirty"/> (ratios or bytes).</summary>
    /// <param name="m">Destination; lines end in '\n'.</param>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirty">The vm.dirty_* sysctls.</param>
    /// <remarks>mm/vmstat.c: vmstat_show.</remarks>
    public static void Show(TextWriter m, PgData pgdat, WritebackSysctl dirty) => Show(m, pgdat, dirty, nrWritebackTemp: false);

    /// <summary>Writes /proc/vmstat of a release that may still have NR_WRITEBACK_TEMP.</summary>
    /// <param name="m">Destination; lines end in '\n'.</param>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirty">The vm.dirty_* sysctls.</param>
    /// <param name="nrWritebackTemp">Print nr_writeback_temp after nr_writeback, where vmstat_text had it before 6.17.</param>
    /// <remarks>mm/vmstat.c: vmstat_show.</remarks>
    public static void Show(TextWriter m, PgData pgdat, WritebackSysctl dirty, bool nrWritebackTemp)
    {
        ArgumentNullException.ThrowIfNull(m);
        long[] v = Snapshot(pgdat, dirty);
        int writebackLine = VmstatText.Index(NodeStatItem.NrWriteback);
        for (int i = 0; i < VmstatText.NrUnstableIndex; i++)
        {
            m.Write(VmstatText.Names[i]);
            m.Write(' ');
            SeqPrintf.Unsigned(m, v[i]);
            m.Write('\n');
            if (nrWritebackTemp && i == writebackLine)
            {
                // FUSE temp pages (issue 9): [I(NR_WRITEBACK_TEMP)] = "nr_writeback_temp", gone in 6.17.
                m.Write("nr_writeback_temp ");
                SeqPrintf.Unsigned(m, Math.Max(0, pgdat.NrWritebackTemp));
                m.Write('\n');
            }
        }

        // We've come to the end: add the deprecated counters that tools still parse.
        m.Write("nr_unstable 0\n");
    }

    /// <summary>The text of /proc/vmstat.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirtyRatioPercent">vm.dirty_ratio.</param>
    /// <param name="dirtyBackgroundRatioPercent">vm.dirty_background_ratio.</param>
    /// <returns>The file contents.</returns>
    public static string Render(PgData pgdat,
        int dirtyRatioPercent = GlobalDirtyLimits.DefaultDirtyRatio,
        int dirtyBackgroundRatioPercent = GlobalDirtyLimits.DefaultDirtyBackgroundRatio) =>
        Render(pgdat, RatioSysctl(dirtyRatioPercent, dirtyBackgroundRatioPercent));

    /// <summary>The text of /proc/vmstat with the thresholds of <paramref name="dirty"/> (ratios or bytes).</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirty">The vm.dirty_* sysctls.</param>
    /// <returns>The file contents.</returns>
    public static string Render(PgData pgdat, WritebackSysctl dirty) =>
        SeqPrintf.Render(pgdat, (w, p) => Show(w, p, dirty));

    /// <summary>The text of /proc/vmstat of <paramref name="release"/>: with nr_writeback_temp before 6.17.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirty">The vm.dirty_* sysctls.</param>
    /// <param name="release">The modelled release ("6.15"…).</param>
    /// <returns>The file contents.</returns>
    public static string Render(PgData pgdat, WritebackSysctl dirty, string release) =>
        SeqPrintf.Render(pgdat, (w, p) => Show(w, p, dirty, HasNrWritebackTemp(release)));

    /// <summary>
    /// Whether <paramref name="release"/> still has NR_WRITEBACK_TEMP: Vlastimil Babka's "mm, vmstat: remove the
    /// NR_WRITEBACK_TEMP node_stat_item counter" (posted 25 June 2025, after FUSE stopped using it in 6.16) went
    /// into the 6.17 merge window; 6.16 still prints the line, always 0.
    /// </summary>
    /// <param name="release">"major.minor".</param>
    /// <returns>True before 6.17.</returns>
    public static bool HasNrWritebackTemp(string release)
    {
        ArgumentNullException.ThrowIfNull(release);
        string[] parts = release.Split('.');
        int ma = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        int mi = parts.Length > 1 ? int.Parse(parts[1].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return ma < 6 || (ma == 6 && mi < 17);
    }

    /// <summary>
    /// /proc/meminfo's WritebackTmp line (fs/proc/meminfo.c, show_val_kb): NR_WRITEBACK_TEMP in KiB before 6.17; the line
    /// stays in later releases, hard-coded to 0, as NFS_Unstable and Bounce did (mmsim renders no other meminfo line).
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="release">The modelled release.</param>
    /// <returns>"WritebackTmp:   %8lu kB\n".</returns>
    public static string MeminfoWritebackTmp(PgData pgdat, string release)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        long kb = HasNrWritebackTemp(release) ? Math.Max(0, pgdat.NrWritebackTemp) * (MmConstants.PageSize / 1024) : 0;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"WritebackTmp:   {kb,8} kB\n");
    }

    /// <summary>
    /// vmstat_start: the printed value of every line, indexed as <see cref="VmstatText.Names"/> (zone
    /// items and NUMA events summed over zones, state items clamped at 0, unit conversions applied,
    /// thresholds and memmap sizes computed, nr_unstable 0).
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirtyRatioPercent">vm.dirty_ratio.</param>
    /// <param name="dirtyBackgroundRatioPercent">vm.dirty_background_ratio.</param>
    /// <returns>A new array of <see cref="VmstatText.Count"/> values.</returns>
    /// <remarks>Cost: O(items × zones + sections).</remarks>
    public static long[] Snapshot(PgData pgdat,
        int dirtyRatioPercent = GlobalDirtyLimits.DefaultDirtyRatio,
        int dirtyBackgroundRatioPercent = GlobalDirtyLimits.DefaultDirtyBackgroundRatio) =>
        Snapshot(pgdat, RatioSysctl(dirtyRatioPercent, dirtyBackgroundRatioPercent));

    /// <summary>vmstat_start with the thresholds of <paramref name="dirty"/> (ratios or bytes, as the dirty throttle computes them).</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirty">The vm.dirty_* sysctls.</param>
    /// <returns>A new array of <see cref="VmstatText.Count"/> values.</returns>
    public static long[] Snapshot(PgData pgdat, WritebackSysctl dirty)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        ArgumentNullException.ThrowIfNull(dirty);
        var v = new long[VmstatText.Count];
        for (var item = (ZoneStatItem)0; item < ZoneStatItem.NrVmZoneStatItems; item++)
        {
            // global_zone_page_state clamps a transiently negative sum at 0.
            v[VmstatText.Index(item)] = Math.Max(0, pgdat.GlobalZonePageState(item));
        }

        for (var item = (NumaStatItem)0; item < NumaStatItem.NrVmNumaEventItems; item++)
        {
            v[VmstatText.Index(item)] = pgdat.GlobalNumaEventState(item);
        }

        for (var item = (NodeStatItem)0; item < NodeStatItem.NrVmNodeStatItems; item++)
        {
            v[VmstatText.Index(item)] = NodePageStatePages(pgdat, item);
        }

        (v[VmstatText.Index(VmStatItem.NrDirtyBackgroundThreshold)], v[VmstatText.Index(VmStatItem.NrDirtyThreshold)]) =
            GlobalDirtyLimits.Compute(pgdat, dirty);
        v[VmstatText.Index(VmStatItem.NrMemmapPages)] = 0;
        v[VmstatText.Index(VmStatItem.NrMemmapBootPages)] = NrMemmapBootPages(pgdat);
        Array.Copy(pgdat.VmEvents, 0, v, VmstatText.VmEventStart, (int)VmEventItem.NrVmEventItems);

        // Sectors to KiB.
        v[VmstatText.Index(VmEventItem.Pgpgin)] /= 2;
        v[VmstatText.Index(VmEventItem.Pgpgout)] /= 2;
        v[VmstatText.NrUnstableIndex] = 0;
        return v;
    }

    /// <summary>vmstat_item_print_in_thp: items kept in base pages but printed in PMD-sized huge pages.</summary>
    /// <param name="item">A node stat item.</param>
    /// <returns>True for the THP counters.</returns>
    /// <remarks>mm/vmstat.c (include/linux/vmstat.h): vmstat_item_print_in_thp with CONFIG_TRANSPARENT_HUGEPAGE.</remarks>
    public static bool VmstatItemPrintInThp(NodeStatItem item) =>
        item is NodeStatItem.NrAnonTransparentHugepages or NodeStatItem.NrFileHugepages or
            NodeStatItem.NrShmemHugepages or NodeStatItem.NrShmemPmdmapped or NodeStatItem.NrFilePmdmapped;

    /// <summary>
    /// The printed value of a node stat item: clamped at 0 (global_node_page_state_pages) and
    /// divided by HPAGE_PMD_NR for the THP items.
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="item">A node stat item.</param>
    /// <returns>The value as /proc/vmstat and the per-node block of /proc/zoneinfo print it.</returns>
    public static long NodePageStatePages(PgData pgdat, NodeStatItem item)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        Debug.Assert(item >= 0 && item < NodeStatItem.NrVmNodeStatItems, "a node stat item");
        long pages = pgdat.NodePageState(item);
        return VmstatItemPrintInThp(item) ? pages / HpagePmdNr : pages;
    }

    /// <summary>
    /// nr_memmap_boot_pages: the memmap (64 bytes per page frame) the kernel allocates at boot for
    /// every 128 MiB section that has present memory. nr_memmap_pages, which counts memmap
    /// allocated later by memory hotplug, stays 0.
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>Pages of memmap.</returns>
    /// <remarks>mm/sparse-vmemmap.c: __populate_section_memmap + memmap_boot_pages_add, one
    /// DIV_ROUND_UP(PAGES_PER_SECTION·sizeof(struct page), PAGE_SIZE) per present section.
    /// Cost: O(sections + zones).</remarks>
    public static long NrMemmapBootPages(PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        long sections = 0;
        long nrSections = (pgdat.NodeSpannedPages + PagesPerSection - 1) / PagesPerSection;
        for (long s = 0; s < nrSections; s++)
        {
            if (SectionHasPresentPages(pgdat, s * PagesPerSection))
            {
                sections++;
            }
        }

        const long memmapPagesPerSection = ((long)PagesPerSection * StructPageSizeBytes + MmConstants.PageSize - 1) / MmConstants.PageSize;
        return sections * memmapPagesPerSection;
    }

    // A section is present when any populated zone overlaps it (mmsim zones have no inner holes).
    private static bool SectionHasPresentPages(PgData pgdat, long sectionStartPfn)
    {
        long sectionEndPfn = sectionStartPfn + PagesPerSection;
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated && zone.ZoneStartPfn < sectionEndPfn && zone.ZoneEndPfn > sectionStartPfn)
            {
                return true;
            }
        }

        return false;
    }

    // The ratio sysctls alone, range-checked as GlobalDirtyLimits.Compute checks them.
    private static WritebackSysctl RatioSysctl(int dirtyRatioPercent, int dirtyBackgroundRatioPercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dirtyRatioPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dirtyRatioPercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(dirtyBackgroundRatioPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dirtyBackgroundRatioPercent, 100);
        return new WritebackSysctl { DirtyRatio = dirtyRatioPercent, DirtyBackgroundRatio = dirtyBackgroundRatioPercent };
    }
}
