using System.Diagnostics;
using System.Runtime.CompilerServices;
using MmSim.Mm.Stat;

namespace MmSim.Mm.PageAlloc;

/// <summary>Where boot placed one CMA area (struct cma_memrange of a single-range area).</summary>
/// <param name="Name">The area's name.</param>
/// <param name="BasePfn">First PFN.</param>
/// <param name="Count">Pages, a multiple of a pageblock.</param>
public readonly record struct CmaAreaRange(string Name, int BasePfn, int Count);

/// <summary>
/// The node (pglist_data): the memory map (one <see cref="PageFrame"/> per PFN), the pageblock flags,
/// the zones and the node and event counters.
/// </summary>
/// <remarks>include/linux/mmzone.h: struct pglist_data; include/linux/pageblock-flags.h for the block bits.</remarks>
public sealed class PgData
{
    /// <summary>Pageblock flag bits above the 3-bit migratetype: PB_migrate_skip.</summary>
    public const byte PbMigrateSkip = 0x08;

    /// <summary>PB_migrate_isolate (6.17+: a separate bit; earlier releases overwrite the type).</summary>
    public const byte PbMigrateIsolate = 0x10;

    /// <summary><see cref="ZoneOfPfn"/> of a pageblock without a memory map (its section has no memory: !pfn_valid).</summary>
    internal const byte NoZone = 0xFF;

    /// <summary><see cref="ZoneOfPfn"/> of a pageblock whose pages belong to more than one zone (a zone edge or a
    /// hole inside it): <see cref="PageZone"/> then looks the PFN up in <see cref="ZoneRunStart"/>.</summary>
    internal const byte MixedZone = 0xFE;

    /// <summary>Mask of the migratetype bits.</summary>
    public const byte PbMigrateMask = 0x07;

    /// <summary>The block's memory section is offline (mmsim's stand-in for !online_section: pfn_to_online_page is NULL).</summary>
    public const byte PbOffline = 0x20;

    /// <summary>Creates the node with every page frame empty and every pageblock MOVABLE.</summary>
    /// <param name="nodeSpannedPages">Pages from PFN 0 to the end of the last zone.</param>
    /// <param name="zones">The four zones, indexed by <see cref="ZoneType"/>.</param>
    internal PgData(int nodeSpannedPages, Zone[] zones)
    {
        NodeSpannedPages = nodeSpannedPages;
        Pages = new PageFrame[nodeSpannedPages]; // all PageFrame.Empty: zero bytes, which the OS backs only once written
        PageblockFlags = new byte[(nodeSpannedPages + MmConstants.PageblockNrPages - 1) >> MmConstants.PageblockOrder];
        Array.Fill(PageblockFlags, (byte)MigrateType.Movable);
        Zones = zones;
        ZoneOfPfn = new byte[PageblockFlags.Length];
        FolioIndex = new int[nodeSpannedPages];
        FolioMemcg = new FolioMemcgIds(nodeSpannedPages);
    }

    /// <summary>
    /// Bytes of the node's arrays that grow with its size: the memory map and its side arrays (per page) and the
    /// pageblock arrays (per 2 MiB), i.e. what booting a machine of <see cref="NodeSpannedPages"/> pages costs
    /// before any workload runs.
    /// </summary>
    /// <remarks>The figure issue 11's budget of 24 bytes per simulated page is about (see <see cref="MemmapBytesPerPage"/>).
    /// Arrays the OS never had to back (an untouched side array) still count: this is the allocated size, an upper
    /// bound on what the node keeps resident. The memcg ids count once allocated (the first charge below the root).</remarks>
    public long MemmapBytes =>
        Pages.LongLength * Unsafe.SizeOf<PageFrame>()
        + FolioIndex.LongLength * sizeof(int)
        + FolioMemcg.AllocatedBytes
        + PageblockFlags.LongLength
        + ZoneOfPfn.LongLength;

    /// <summary><see cref="MemmapBytes"/> per spanned page.</summary>
    public double MemmapBytesPerPage => NodeSpannedPages == 0 ? 0 : (double)MemmapBytes / NodeSpannedPages;

    /// <summary>node_spanned_pages (the node starts at PFN 0).</summary>
    public int NodeSpannedPages { get; }

    /// <summary>The memory map, indexed by PFN.</summary>
    public PageFrame[] Pages { get; }

    /// <summary>
    /// page-&gt;index of each allocated head page: its index in the mapping recorded in
    /// <see cref="PageFrame.Owner"/> (file page offset, or page offset in the anonymous VMA).
    /// </summary>
    /// <remarks>A side array (4 bytes per page) rather than a field of the hot 16-byte frame. Meaningful only
    /// while the head page names a mapping (<see cref="PageFrame.Owner"/> ≠ 0): adding the folio to a mapping
    /// sets it (rmap), so the allocator does not spend a cache miss clearing it.</remarks>
    public int[] FolioIndex { get; }

    /// <summary>The memcg id each allocated head page is charged to (folio_memcg; 0 = root or not charged).</summary>
    /// <remarks>2 bytes per page once a folio is charged below the root (allocated then); mem_cgroup ids are 16-bit in
    /// the kernel too (MEM_CGROUP_ID_MAX). Charging sets it and uncharging at free clears it (mem_cgroup_uncharge), so a
    /// free or uncharged page reads 0.</remarks>
    public FolioMemcgIds FolioMemcg { get; }

    /// <summary>Per-pageblock flags: migratetype (bits 0–2), skip and isolate bits.</summary>
    public byte[] PageblockFlags { get; }

    /// <summary>The zones, indexed by <see cref="ZoneType"/> (unpopulated zones have no pages).</summary>
    public Zone[] Zones { get; }

    /// <summary>Zone index of each pageblock: the page_zone of all its pages, <see cref="MixedZone"/> when they differ,
    /// <see cref="NoZone"/> where there is no memory map.</summary>
    internal byte[] ZoneOfPfn { get; }

    /// <summary>First PFN of each run of pages with one page_zone, ascending (what memmap_init gave each page's
    /// zone id); read only for <see cref="MixedZone"/> pageblocks.</summary>
    internal int[] ZoneRunStart { get; set; } = [0];

    /// <summary>The zone index of each run of <see cref="ZoneRunStart"/>.</summary>
    internal byte[] ZoneRunZone { get; set; } = [0];

    /// <summary>The memory holes (PFN ranges not in memblock.memory), ascending; their pages that have a memory map
    /// are PageReserved and never reach the buddy allocator.</summary>
    public IReadOnlyList<PfnRange> Holes { get; internal set; } = [];

    /// <summary>vm_stat: the node's counters, indexed by <see cref="NodeStatItem"/>.</summary>
    /// <remarks>Change with <see cref="ModNodePageState"/>, read with <see cref="NodePageState"/>; zone
    /// counters live in each <see cref="Zone.VmStat"/>.</remarks>
    public long[] VmStat { get; } = new long[(int)NodeStatItem.NrVmNodeStatItems];

    /// <summary>The event counters, indexed by <see cref="VmEventItem"/>.</summary>
    /// <remarks>The kernel's per-cpu vm_event_states summed by all_vm_events; with one node and one CPU
    /// the node holds them. Change with <see cref="CountVmEvents"/>.</remarks>
    public long[] VmEvents { get; } = new long[(int)VmEventItem.NrVmEventItems];

    /// <summary>page_zone: the zone a PFN belongs to.</summary>
    /// <param name="pfn">Page frame number.</param>
    /// <returns>The zone.</returns>
    /// <remarks>One branch beyond the pageblock lookup: only pageblocks that straddle a zone edge or a hole take the
    /// run lookup.</remarks>
    public Zone PageZone(int pfn) => Zones[ZoneIdOfPfn(pfn)];

    /// <summary>page_zonenum: the zone index of a PFN with a memory map.</summary>
    /// <param name="pfn">Page frame number (pfn_valid).</param>
    /// <returns>The zone index.</returns>
    public int ZoneIdOfPfn(int pfn)
    {
        byte z = ZoneOfPfn[pfn >> MmConstants.PageblockOrder];
        return z < MixedZone ? z : MixedZoneId(pfn);
    }

    // The zone of a PFN in a pageblock that straddles zones: a binary search over the few runs memmap_init made.
    private int MixedZoneId(int pfn)
    {
        int i = Array.BinarySearch(ZoneRunStart, pfn);
        return ZoneRunZone[i >= 0 ? i : ~i - 1];
    }

    /// <summary>pageblock_pfn_to_page: may compaction scan [<paramref name="startPfn"/>, <paramref name="endPfn"/>)
    /// of <paramref name="zone"/>? Both ends need a memory map, the start must be in the zone and the end in the same
    /// zone: a block straddling a zone edge, or running into a hole whose pages carry the next zone's id, is skipped.</summary>
    /// <param name="startPfn">First PFN (the caller clamps it to the zone start).</param>
    /// <param name="endPfn">One past the last PFN.</param>
    /// <param name="zone">The zone being compacted.</param>
    /// <returns>True when the block may be scanned.</returns>
    /// <remarks>mm/page_alloc.c: __pageblock_pfn_to_page. zone-&gt;contiguous only short-cuts checks that pass for such
    /// a zone anyway, so it is not modelled. Cost: O(1).</remarks>
    public bool PageblockPfnToPage(int startPfn, int endPfn, Zone zone) =>
        startPfn < endPfn && PfnValid(endPfn - 1) && PfnValid(startPfn) && PageZone(startPfn) == zone
        && ZoneIdOfPfn(startPfn) == ZoneIdOfPfn(endPfn - 1);

    /// <summary>walk_system_ram_range's view: the PFN is memory (in a zone's span and not in a hole).</summary>
    /// <param name="pfn">Page frame number.</param>
    /// <returns>True for present pages.</returns>
    /// <remarks>Cost: O(zones + holes); for checks, not per-page hot paths.</remarks>
    public bool PfnPresent(long pfn)
    {
        if (!PfnValid(pfn))
        {
            return false;
        }

        bool spanned = false;
        foreach (Zone z in Zones)
        {
            spanned |= z.SpansPfn(pfn);
        }

        if (!spanned)
        {
            return false;
        }

        foreach (PfnRange h in Holes)
        {
            if (pfn >= h.StartPfn && pfn < h.EndPfn)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Present pages in [<paramref name="start"/>, <paramref name="end"/>) (walk_system_ram_range with
    /// count_system_ram_pages_cb).</summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <returns>The count.</returns>
    /// <remarks>Cost: O(zones × holes).</remarks>
    public long PresentPagesIn(long start, long end)
    {
        long n = 0;
        foreach (Zone z in Zones)
        {
            long s = Math.Max(start, z.ZoneStartPfn);
            long e = Math.Min(end, z.ZoneEndPfn);
            if (s >= e)
            {
                continue;
            }

            n += e - s;
            foreach (PfnRange h in Holes)
            {
                n -= h.Overlap(s, e);
            }
        }

        return n;
    }

    /// <summary>pfn_valid: the PFN has a memory map. As for the kernel's early sections, that is every PFN of a
    /// 128 MiB section with any memory, holes included (their pages are PageReserved); a section without memory has
    /// none.</summary>
    /// <param name="pfn">Page frame number.</param>
    /// <returns>True when valid.</returns>
    public bool PfnValid(long pfn) =>
        pfn >= 0 && pfn < NodeSpannedPages && ZoneOfPfn[pfn >> MmConstants.PageblockOrder] != NoZone;

    /// <summary>get_pfnblock_migratetype: the block's type, MIGRATE_ISOLATE when the isolate bit is set.</summary>
    /// <param name="pfn">Any PFN in the block.</param>
    /// <returns>The effective migratetype.</returns>
    public MigrateType PageblockMigratetype(int pfn)
    {
        byte f = PageblockFlags[pfn >> MmConstants.PageblockOrder];
        return (f & PbMigrateIsolate) != 0 ? MigrateType.Isolate : (MigrateType)(f & PbMigrateMask);
    }

    /// <summary>page_group_by_mobility_disabled: every pcp type is stored as UNMOVABLE.</summary>
    public bool GroupByMobilityDisabled { get; internal set; }

    /// <summary>set_pageblock_migratetype: sets the stored type, keeping the skip bit and clearing the isolate bit.</summary>
    /// <param name="pfn">Any PFN in the block.</param>
    /// <param name="mt">The new type (<see cref="MigrateType.Isolate"/> only in the ≤ 6.16 model, where isolation is a type).</param>
    /// <remarks>mm/page_alloc.c: set_pageblock_migratetype — with mobility grouping disabled, the
    /// three pcp types are all recorded as MIGRATE_UNMOVABLE. 6.17+ writes through
    /// MIGRATETYPE_AND_ISO_MASK, so setting a type also clears PB_migrate_isolate: a stale isolate bit
    /// would hide the new type from get_pfnblock_migratetype.</remarks>
    public void SetPageblockMigratetype(int pfn, MigrateType mt)
    {
        if (GroupByMobilityDisabled && (int)mt < MigrateTypes.PcpTypes)
        {
            mt = MigrateType.Unmovable;
        }

        ref byte f = ref PageblockFlags[pfn >> MmConstants.PageblockOrder];
        f = (byte)((f & ~(PbMigrateMask | PbMigrateIsolate)) | (byte)mt);
    }

    /// <summary>get_pageblock_isolate: the block is isolated (PB_migrate_isolate, or the ISOLATE type before 6.17).</summary>
    /// <param name="pfn">Any PFN in the block.</param>
    /// <returns>True when isolated.</returns>
    public bool PageblockIsolated(int pfn) => PageblockMigratetype(pfn) == MigrateType.Isolate;

    /// <summary>The stored migratetype without the isolate bit (__get_pfnblock_flags_mask with PAGEBLOCK_MIGRATETYPE_MASK).</summary>
    /// <param name="pfn">Any PFN in the block.</param>
    /// <returns>The type bits; <see cref="MigrateType.Isolate"/> only when a ≤ 6.16 isolation wrote it there.</returns>
    public MigrateType PageblockMigratetypeBits(int pfn) => (MigrateType)(PageblockFlags[pfn >> MmConstants.PageblockOrder] & PbMigrateMask);

    /// <summary>set_pageblock_isolate / clear_pageblock_isolate (6.17+): toggles PB_migrate_isolate, keeping the type.</summary>
    /// <param name="pfn">Any PFN in the block.</param>
    /// <param name="isolate">Set or clear.</param>
    /// <remarks>mm/page_alloc.c: toggle_pageblock_isolate.</remarks>
    public void TogglePageblockIsolate(int pfn, bool isolate)
    {
        ref byte f = ref PageblockFlags[pfn >> MmConstants.PageblockOrder];
        f = isolate ? (byte)(f | PbMigrateIsolate) : (byte)(f & ~PbMigrateIsolate);
    }

    /// <summary>online_section for the block of <paramref name="pfn"/>: false once memory offlining took the block.</summary>
    /// <param name="pfn">Any PFN in the block.</param>
    /// <returns>True while online.</returns>
    public bool PageblockOnline(int pfn) => (PageblockFlags[pfn >> MmConstants.PageblockOrder] & PbOffline) == 0;

    /// <summary>Marks the block's section offline or online (offline_mem_sections / online_mem_sections).</summary>
    /// <param name="pfn">Any PFN in the block.</param>
    /// <param name="online">The new state.</param>
    public void SetPageblockOnline(int pfn, bool online)
    {
        ref byte f = ref PageblockFlags[pfn >> MmConstants.PageblockOrder];
        f = online ? (byte)(f & ~PbOffline) : (byte)(f | PbOffline);
    }

    /// <summary>The CMA areas placed at boot (name, base PFN, pages), in ascending PFN order.</summary>
    public IReadOnlyList<CmaAreaRange> CmaAreas { get; internal set; } = [];

    /// <summary>mod_node_page_state: adds to a node counter.</summary>
    /// <param name="item">The item.</param>
    /// <param name="delta">Amount (negative to subtract), in the item's unit.</param>
    /// <remarks>mm/vmstat.c: mod_node_page_state. Cost: O(1).</remarks>
    public void ModNodePageState(NodeStatItem item, long delta) => VmStat[(int)item] += delta;

    /// <summary>node_page_state_pages: a node counter, clamped at 0 as the kernel clamps transient per-cpu drift.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The value, ≥ 0.</returns>
    /// <remarks>mm/vmstat.c: node_page_state_pages. Cost: O(1).</remarks>
    public long NodePageState(NodeStatItem item) => Math.Max(0, VmStat[(int)item]);

    // FUSE temp pages (issue 9): NR_WRITEBACK_TEMP sat between NR_WRITEBACK and NR_SHMEM until 6.17
    // (removed by "mm, vmstat: remove the NR_WRITEBACK_TEMP node_stat_item counter"); 6.18's node_stat_item,
    // which NodeStatItem and every vmstat index follow, has no slot for it, so it is kept beside VmStat.

    /// <summary>NR_WRITEBACK_TEMP: FUSE temp pages under writeback (≤ 6.15 designs; /proc/vmstat prints it before 6.17).</summary>
    public long NrWritebackTemp { get; private set; }

    /// <summary>node_stat_add_folio / node_stat_sub_folio(NR_WRITEBACK_TEMP).</summary>
    /// <param name="delta">Pages (negative to subtract).</param>
    public void ModNrWritebackTemp(long delta) => NrWritebackTemp += delta;

    /// <summary>count_vm_events: adds to an event counter.</summary>
    /// <param name="item">The item.</param>
    /// <param name="delta">Amount, ≥ 0.</param>
    /// <remarks>include/linux/vmstat.h: count_vm_events. Cost: O(1).</remarks>
    public void CountVmEvents(VmEventItem item, long delta) => VmEvents[(int)item] += delta;

    /// <summary>count_vm_event: counts one event.</summary>
    /// <param name="item">The item.</param>
    /// <remarks>include/linux/vmstat.h: count_vm_event. Cost: O(1).</remarks>
    public void CountVmEvent(VmEventItem item) => VmEvents[(int)item]++;

    /// <summary>__count_zid_vm_events: adds to the per-zone member of a FOR_ALL_ZONES event.</summary>
    /// <param name="zoneDmaItem">The family's ZONE_DMA member (e.g. <see cref="VmEventItem.PgallocDma"/>).</param>
    /// <param name="zid">The zone index.</param>
    /// <param name="delta">Amount, ≥ 0.</param>
    /// <remarks>include/linux/vmstat.h: __count_zid_vm_events (item##_NORMAL - ZONE_NORMAL + zid). Cost: O(1).</remarks>
    public void CountZidVmEvents(VmEventItem zoneDmaItem, ZoneType zid, long delta)
    {
        Debug.Assert(zoneDmaItem is VmEventItem.PgallocDma or VmEventItem.AllocstallDma or VmEventItem.PgskipDma,
            "a FOR_ALL_ZONES family");
        VmEvents[(int)zoneDmaItem + (int)zid] += delta;
    }

    /// <summary>Managed pages of all zones (totalram_pages): fixed once the node has booted.</summary>
    public long ManagedPages
    {
        get
        {
            long sum = 0;
            foreach (Zone z in Zones)
            {
                sum += z.ManagedPages;
            }

            return sum;
        }
    }

    /// <summary>Sum of a zone stat item over all zones (global_zone_page_state, unclamped).</summary>
    /// <param name="item">A zone stat item.</param>
    /// <returns>The sum.</returns>
    /// <remarks>Cost: O(zones).</remarks>
    public long GlobalZonePageState(ZoneStatItem item)
    {
        long sum = 0;
        foreach (Zone z in Zones)
        {
            sum += z.VmStat[(int)item];
        }

        return sum;
    }

    /// <summary>Sum of a NUMA event over all zones (global_numa_event_state).</summary>
    /// <param name="item">A NUMA event item.</param>
    /// <returns>The sum.</returns>
    /// <remarks>Cost: O(zones).</remarks>
    public long GlobalNumaEventState(NumaStatItem item)
    {
        long sum = 0;
        foreach (Zone z in Zones)
        {
            sum += z.VmNumaEvent[(int)item];
        }

        return sum;
    }
}
