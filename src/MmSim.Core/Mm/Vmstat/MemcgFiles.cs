using System.Globalization;
using System.Text;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// The memory controller's files of one cgroup: memory.stat (v2 memcg_stat_format, v1
/// memcg1_stat_format), memory.current/max/events (v2) and memory.usage_in_bytes/limit_in_bytes/
/// max_usage_in_bytes/failcnt (v1), in the kernel's names, order and units.
/// </summary>
/// <remarks>
/// mm/memcontrol.c: memory_stats[], memcg_vm_event_stat[], memcg_page_state_output_unit,
/// memcg_stat_format, __memory_events_show, seq_puts_memcg_tunable; mm/memcontrol-v1.c: memcg1_stats[],
/// memcg1_stat_names[], memcg1_events[], memcg1_stat_format, mem_cgroup_read_u64. Configuration as for
/// /proc/vmstat: CONFIG_SWAP, CONFIG_ZSWAP, CONFIG_TRANSPARENT_HUGEPAGE, CONFIG_NUMA_BALANCING,
/// CONFIG_MEMCG_V1 on; hugetlb is not accounted (no memory_hugetlb_accounting), so "hugetlb" is not
/// printed; no CONFIG_DEBUG_VM lines (anon_cost, file_cost). Call <see cref="MemcgTree.FlushStats"/> first.
/// </remarks>
public static class MemcgFiles
{
    /// <summary>PAGE_COUNTER_MAX × PAGE_SIZE: what v1 prints for an unlimited counter (LONG_MAX rounded down to pages).</summary>
    public const long PageCounterMaxBytes = long.MaxValue / MmConstants.PageSize * MmConstants.PageSize;

    private const int PageSize = MmConstants.PageSize;

    // memory_stats[]: name, memcg stat index, output unit (memcg_page_state_output_unit; slab and
    // kernel_stack as mmsim keeps them: slab in pages, kernel stacks in KiB).
    private static readonly (string Name, int Index, int Unit)[] MemoryStats =
    [
        ("anon", (int)NodeStatItem.NrAnonPages, PageSize),
        ("file", (int)NodeStatItem.NrFilePages, PageSize),
        ("kernel", (int)MemcgStatItem.MemcgKmem, PageSize),
        ("kernel_stack", (int)NodeStatItem.NrKernelStack, 1024),
        ("pagetables", (int)NodeStatItem.NrPageTablePages, PageSize),
        ("sec_pagetables", (int)NodeStatItem.NrSecPageTablePages, PageSize),
        ("percpu", (int)MemcgStatItem.MemcgPercpuB, 1),
        ("sock", (int)MemcgStatItem.MemcgSock, PageSize),
        ("vmalloc", (int)MemcgStatItem.MemcgVmalloc, PageSize),
        ("shmem", (int)NodeStatItem.NrShmem, PageSize),
        ("zswap", (int)MemcgStatItem.MemcgZswapB, 1),
        ("zswapped", (int)MemcgStatItem.MemcgZswapped, PageSize),
        ("file_mapped", (int)NodeStatItem.NrMapped, PageSize),
        ("file_dirty", (int)NodeStatItem.NrDirty, PageSize),
        ("file_writeback", (int)NodeStatItem.NrWriteback, PageSize),
        ("swapcached", (int)NodeStatItem.NrSwapcached, PageSize),
        ("anon_thp", (int)NodeStatItem.NrAnonTransparentHugepages, PageSize),
        ("file_thp", (int)NodeStatItem.NrFileHugepages, PageSize),
        ("shmem_thp", (int)NodeStatItem.NrShmemHugepages, PageSize),
        ("inactive_anon", (int)NodeStatItem.NrInactiveAnon, PageSize),
        ("active_anon", (int)NodeStatItem.NrActiveAnon, PageSize),
        ("inactive_file", (int)NodeStatItem.NrInactiveFile, PageSize),
        ("active_file", (int)NodeStatItem.NrActiveFile, PageSize),
        ("unevictable", (int)NodeStatItem.NrUnevictable, PageSize),
        ("slab_reclaimable", (int)NodeStatItem.NrSlabReclaimable, PageSize),
        ("slab_unreclaimable", (int)NodeStatItem.NrSlabUnreclaimable, PageSize),
        ("workingset_refault_anon", (int)NodeStatItem.WorkingsetRefaultAnon, 1),
        ("workingset_refault_file", (int)NodeStatItem.WorkingsetRefaultFile, 1),
        ("workingset_activate_anon", (int)NodeStatItem.WorkingsetActivateAnon, 1),
        ("workingset_activate_file", (int)NodeStatItem.WorkingsetActivateFile, 1),
        ("workingset_restore_anon", (int)NodeStatItem.WorkingsetRestoreAnon, 1),
        ("workingset_restore_file", (int)NodeStatItem.WorkingsetRestoreFile, 1),
        ("workingset_nodereclaim", (int)NodeStatItem.WorkingsetNodereclaim, 1),
        ("pgdemote_kswapd", (int)NodeStatItem.PgdemoteKswapd, 1),
        ("pgdemote_direct", (int)NodeStatItem.PgdemoteDirect, 1),
        ("pgdemote_khugepaged", (int)NodeStatItem.PgdemoteKhugepaged, 1),
        ("pgdemote_proactive", (int)NodeStatItem.PgdemoteProactive, 1),
        ("pgpromote_success", (int)NodeStatItem.PgpromoteSuccess, 1),
    ];

    // memcg_vm_event_stat[] without PGPGIN/PGPGOUT (v1 only).
    private static readonly VmEventItem[] MemcgVmEventStat =
    [
        VmEventItem.Pswpin, VmEventItem.Pswpout,
        VmEventItem.PgscanKswapd, VmEventItem.PgscanDirect, VmEventItem.PgscanKhugepaged, VmEventItem.PgscanProactive,
        VmEventItem.PgstealKswapd, VmEventItem.PgstealDirect, VmEventItem.PgstealKhugepaged, VmEventItem.PgstealProactive,
        VmEventItem.Pgfault, VmEventItem.Pgmajfault, VmEventItem.Pgrefill, VmEventItem.Pgactivate, VmEventItem.Pgdeactivate,
        VmEventItem.Pglazyfree, VmEventItem.Pglazyfreed,
        VmEventItem.SwpinZero, VmEventItem.SwpoutZero,
        VmEventItem.Zswpin, VmEventItem.Zswpout, VmEventItem.Zswpwb,
        VmEventItem.ThpFaultAlloc, VmEventItem.ThpCollapseAlloc, VmEventItem.ThpSwpout, VmEventItem.ThpSwpoutFallback,
        VmEventItem.NumaPagesMigrated, VmEventItem.NumaPteUpdates, VmEventItem.NumaHintFaults,
    ];

    // memcg1_stats[] / memcg1_stat_names[].
    private static readonly (string Name, int Index)[] Memcg1Stats =
    [
        ("cache", (int)NodeStatItem.NrFilePages),
        ("rss", (int)NodeStatItem.NrAnonPages),
        ("rss_huge", (int)NodeStatItem.NrAnonTransparentHugepages),
        ("shmem", (int)NodeStatItem.NrShmem),
        ("mapped_file", (int)NodeStatItem.NrMapped),
        ("dirty", (int)NodeStatItem.NrDirty),
        ("writeback", (int)NodeStatItem.NrWriteback),
        ("workingset_refault_anon", (int)NodeStatItem.WorkingsetRefaultAnon),
        ("workingset_refault_file", (int)NodeStatItem.WorkingsetRefaultFile),
        ("swap", (int)MemcgStatItem.MemcgSwap),
        ("swapcached", (int)NodeStatItem.NrSwapcached),
    ];

    // memcg1_events[].
    private static readonly VmEventItem[] Memcg1Events = [VmEventItem.Pgpgin, VmEventItem.Pgpgout, VmEventItem.Pgfault, VmEventItem.Pgmajfault];

    private static readonly string[] LruNames = ["inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable"];

    private static readonly string[] MemoryEventNames = ["low", "high", "max", "oom", "oom_kill", "oom_group_kill", "sock_throttled"];

    /// <summary>memory.stat of <paramref name="memcg"/> (memory_stat_format: v2 or v1 by the hierarchy).</summary>
    /// <param name="tree">The hierarchy (its version picks the format).</param>
    /// <param name="memcg">The cgroup.</param>
    /// <returns>The file contents.</returns>
    public static string MemoryStat(MemcgTree tree, MemCgroup memcg)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(memcg);
        var s = new StringBuilder(2048);
        if (tree.Version == CgroupVersion.V2)
        {
            MemcgStatFormat(memcg, s);
        }
        else
        {
            Memcg1StatFormat(memcg, s);
        }

        return s.ToString();
    }

    /// <summary>The control files of a cgroup, by file name, in the order the controller lists them.</summary>
    /// <param name="tree">The hierarchy.</param>
    /// <param name="memcg">A cgroup other than the root.</param>
    /// <returns>(file name, contents) pairs.</returns>
    public static IReadOnlyList<(string Name, string Text)> Files(MemcgTree tree, MemCgroup memcg)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(memcg);
        if (tree.Version == CgroupVersion.V2)
        {
            return
            [
                ("memory.current", Line(memcg.Memory.Usage * PageSize)),
                ("memory.peak", Line(memcg.Memory.Watermark * PageSize)),
                ("memory.min", Tunable(memcg.Min)),
                ("memory.low", Tunable(memcg.Low)),
                ("memory.high", Tunable(memcg.High)),
                ("memory.max", Tunable(memcg.Memory.Limit)),
                ("memory.events", MemoryEvents(memcg.MemoryEvents)),
                ("memory.events.local", MemoryEvents(memcg.MemoryEventsLocal)),
                ("memory.stat", MemoryStat(tree, memcg)),
            ];
        }

        return
        [
            ("memory.usage_in_bytes", Line(memcg.Memory.Usage * PageSize)),
            ("memory.max_usage_in_bytes", Line(memcg.Memory.Watermark * PageSize)),
            ("memory.limit_in_bytes", Line(Bytes(memcg.Memory.Limit))),
            ("memory.failcnt", Line(memcg.Memory.Failcnt)),
            ("memory.stat", MemoryStat(tree, memcg)),
        ];
    }

    // seq_puts_memcg_tunable: "max" for PAGE_COUNTER_MAX, else bytes.
    private static string Tunable(long pages) => pages >= PageCounter.Max ? "max\n" : Line(pages * PageSize);

    private static long Bytes(long pages) => pages >= PageCounter.Max ? PageCounterMaxBytes : pages * PageSize;

    private static string Line(long v) => v.ToString(CultureInfo.InvariantCulture) + "\n";

    // __memory_events_show.
    private static string MemoryEvents(long[] events)
    {
        var s = new StringBuilder(128);
        for (int i = 0; i < MemoryEventNames.Length; i++)
        {
            Put(s, MemoryEventNames[i], events[i]);
        }

        return s.ToString();
    }

    // memcg_stat_format (v2): hierarchical states, "slab" after slab_unreclaimable, pgscan/pgsteal sums, events.
    private static void MemcgStatFormat(MemCgroup memcg, StringBuilder s)
    {
        foreach ((string name, int index, int unit) in MemoryStats)
        {
            long size = MemcgTree.MemcgPageState(memcg, index) * unit;
            Put(s, name, size);
            if (index == (int)NodeStatItem.NrSlabUnreclaimable)
            {
                size += MemcgTree.MemcgPageState(memcg, (int)NodeStatItem.NrSlabReclaimable) * PageSize;
                Put(s, "slab", size);
            }
        }

        Put(s, "pgscan", Ev(memcg, VmEventItem.PgscanKswapd) + Ev(memcg, VmEventItem.PgscanDirect) + Ev(memcg, VmEventItem.PgscanProactive) + Ev(memcg, VmEventItem.PgscanKhugepaged));
        Put(s, "pgsteal", Ev(memcg, VmEventItem.PgstealKswapd) + Ev(memcg, VmEventItem.PgstealDirect) + Ev(memcg, VmEventItem.PgstealProactive) + Ev(memcg, VmEventItem.PgstealKhugepaged));
        foreach (VmEventItem e in MemcgVmEventStat)
        {
            Put(s, VmstatText.VmEventName(e), Ev(memcg, e));
        }
    }

    // memcg1_stat_format (v1): local values, then the hierarchical limit and the total_ (hierarchical) values.
    private static void Memcg1StatFormat(MemCgroup memcg, StringBuilder s)
    {
        foreach ((string name, int index) in Memcg1Stats)
        {
            Put(s, name, memcg.Stat[index] * PageSize);
        }

        foreach (VmEventItem e in Memcg1Events)
        {
            Put(s, VmstatText.VmEventName(e), memcg.Events[(int)e]);
        }

        for (int i = 0; i < LruNames.Length; i++)
        {
            Put(s, LruNames[i], memcg.Stat[(int)NodeStatItem.NrInactiveAnon + i] * PageSize);
        }

        long memory = PageCounter.Max;
        for (MemCgroup? mi = memcg; mi is not null; mi = mi.Parent)
        {
            memory = Math.Min(memory, mi.Memory.Limit);
        }

        Put(s, "hierarchical_memory_limit", Bytes(memory));

        // No memsw accounting is modelled: memsw.max stays PAGE_COUNTER_MAX everywhere.
        Put(s, "hierarchical_memsw_limit", PageCounterMaxBytes);
        foreach ((string name, int index) in Memcg1Stats)
        {
            Put(s, "total_" + name, MemcgTree.MemcgPageState(memcg, index) * PageSize);
        }

        foreach (VmEventItem e in Memcg1Events)
        {
            Put(s, "total_" + VmstatText.VmEventName(e), Ev(memcg, e));
        }

        for (int i = 0; i < LruNames.Length; i++)
        {
            Put(s, "total_" + LruNames[i], MemcgTree.MemcgPageState(memcg, (int)NodeStatItem.NrInactiveAnon + i) * PageSize);
        }
    }

    private static long Ev(MemCgroup memcg, VmEventItem e) => MemcgTree.MemcgEvents(memcg, e);

    private static void Put(StringBuilder s, string name, long value) =>
        s.Append(name).Append(' ').Append(Math.Max(0, value).ToString(CultureInfo.InvariantCulture)).Append('\n');
}
