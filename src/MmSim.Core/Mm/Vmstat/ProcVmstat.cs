using System.Diagnostics;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// /proc/vmstat: every <see cref="VmStatItem"/> in vmstat_text order as "name value", then the
/// deprecated "nr_unstable 0".
/// </summary>
/// <remarks>
/// Mirrors mm/vmstat.c: vmstat_start (which snapshots the values) and vmstat_show. Units follow the
/// kernel: <see cref="PgData.VmStat"/> holds each counter as the kernel keeps it and this file
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
        int dirtyBackgroundRatioPercent = GlobalDirtyLimits.DefaultDirtyBackgroundRatio)
    {
        ArgumentNullException.ThrowIfNull(m);
        long[] v = Snapshot(pgdat, dirtyRatioPercent, dirtyBackgroundRatioPercent);
        for (int i = 0; i < (int)VmStatItem.NrUnstable; i++)
        {
            m.Write(VmStatItems.Names[i]);
            m.Write(' ');
            SeqPrintf.Unsigned(m, v[i]);
            m.Write('\n');
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
        SeqPrintf.Render(pgdat, (w, p) => Show(w, p, dirtyRatioPercent, dirtyBackgroundRatioPercent));

    /// <summary>
    /// vmstat_start: the printed value of every item, indexed by <see cref="VmStatItem"/> (zone items
    /// summed over zones, state items clamped at 0, unit conversions applied, thresholds and memmap
    /// sizes computed, nr_unstable 0).
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirtyRatioPercent">vm.dirty_ratio.</param>
    /// <param name="dirtyBackgroundRatioPercent">vm.dirty_background_ratio.</param>
    /// <returns>A new array of <see cref="VmStatItems.Count"/> values.</returns>
    public static long[] Snapshot(PgData pgdat,
        int dirtyRatioPercent = GlobalDirtyLimits.DefaultDirtyRatio,
        int dirtyBackgroundRatioPercent = GlobalDirtyLimits.DefaultDirtyBackgroundRatio)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        var v = new long[VmStatItems.Count];
        for (int i = 0; i < VmStatItems.NrZoneStatItems; i++)
        {
            // global_zone_page_state clamps a transiently negative sum at 0.
            v[i] = Math.Max(0, pgdat.GlobalZonePageState((VmStatItem)i));
        }

        for (int i = (int)VmStatItem.NumaHit; i < (int)VmStatItem.NrDirtyThreshold; i++)
        {
            v[i] = NodePageStatePages(pgdat, (VmStatItem)i);
        }

        (v[(int)VmStatItem.NrDirtyBackgroundThreshold], v[(int)VmStatItem.NrDirtyThreshold]) =
            GlobalDirtyLimits.Compute(pgdat, dirtyRatioPercent, dirtyBackgroundRatioPercent);
        v[(int)VmStatItem.NrMemmapPages] = 0;
        v[(int)VmStatItem.NrMemmapBootPages] = NrMemmapBootPages(pgdat);
        for (int i = (int)VmStatItem.Pgpgin; i < (int)VmStatItem.NrUnstable; i++)
        {
            v[i] = pgdat.VmStat[i];
        }

        // Sectors to KiB.
        v[(int)VmStatItem.Pgpgin] /= 2;
        v[(int)VmStatItem.Pgpgout] /= 2;
        v[(int)VmStatItem.NrUnstable] = 0;
        return v;
    }

    /// <summary>vmstat_item_print_in_thp: items kept in base pages but printed in PMD-sized huge pages.</summary>
    /// <param name="item">A node stat item.</param>
    /// <returns>True for the THP counters.</returns>
    /// <remarks>mm/vmstat.c (include/linux/vmstat.h): vmstat_item_print_in_thp with CONFIG_TRANSPARENT_HUGEPAGE.</remarks>
    public static bool VmstatItemPrintInThp(VmStatItem item) =>
        item is VmStatItem.NrAnonTransparentHugepages or VmStatItem.NrFileHugepages or
            VmStatItem.NrShmemHugepages or VmStatItem.NrShmemPmdmapped or VmStatItem.NrFilePmdmapped;

    /// <summary>
    /// The printed value of a NUMA or node stat item: clamped at 0 (global_node_page_state) and
    /// divided by HPAGE_PMD_NR for the THP items.
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="item">An item between numa_hit and nr_kernel_file_pages.</param>
    /// <returns>The value as /proc/vmstat and the per-node block of /proc/zoneinfo print it.</returns>
    public static long NodePageStatePages(PgData pgdat, VmStatItem item)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        Debug.Assert(item >= VmStatItem.NumaHit && item < VmStatItem.NrDirtyThreshold, "not a NUMA or node item");
        long pages = Math.Max(0, pgdat.VmStat[(int)item]);
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
}
