// One memory cgroup (include/linux/memcontrol.h: struct mem_cgroup) and its page counter
// (mm/page_counter.c). The charging rules, limit reclaim, memory.high throttling and memcg OOM
// live in MemcgTree (mm/memcontrol.c, mm/memcontrol-v1.c).
using MmSim.Mm.Stat;

namespace MmSim.Mm.Memcontrol;

/// <summary>The cgroup hierarchy a run mounts: v1 (legacy, memory controller not on the default hierarchy) or v2.</summary>
public enum CgroupVersion
{
    /// <summary>cgroup v2 (cgroup_subsys_on_dfl(memory_cgrp_subsys)): the 6.18 default.</summary>
    V2 = 0,

    /// <summary>cgroup v1: memory.limit_in_bytes, and limit reclaim that waits on writeback.</summary>
    V1 = 1,
}

/// <summary>The memory.events counters (include/linux/memcontrol.h: enum memcg_memory_event, the ones memory.events prints).</summary>
public enum MemcgMemoryEvent
{
    /// <summary>MEMCG_LOW: reclaimed despite memory.low protection.</summary>
    Low = 0,

    /// <summary>MEMCG_HIGH: reclaimed because usage was over memory.high.</summary>
    High,

    /// <summary>MEMCG_MAX: a charge hit memory.max.</summary>
    Max,

    /// <summary>MEMCG_OOM: the cgroup went out of memory (mem_cgroup_oom).</summary>
    Oom,

    /// <summary>MEMCG_OOM_KILL: a task of the cgroup was killed.</summary>
    OomKill,

    /// <summary>MEMCG_OOM_GROUP_KILL: memory.oom.group kills.</summary>
    OomGroupKill,

    /// <summary>MEMCG_SOCK_THROTTLED: socket memory throttled.</summary>
    SockThrottled,

    /// <summary>The number of events printed.</summary>
    NrMemoryEvents,
}

/// <summary>A page counter (struct page_counter): usage against a hard limit, in pages.</summary>
public sealed class PageCounter
{
    /// <summary>PAGE_COUNTER_MAX: no limit.</summary>
    public const long Max = long.MaxValue / 2;

    /// <summary>Pages charged (usage).</summary>
    public long Usage { get; internal set; }

    /// <summary>The hard limit (memory.max, memory.limit_in_bytes), in pages.</summary>
    public long Limit { get; set; } = Max;

    /// <summary>Highest usage seen (watermark; memory.peak, memory.max_usage_in_bytes).</summary>
    public long Watermark { get; internal set; }

    /// <summary>Charges that hit the limit (failcnt).</summary>
    public long Failcnt { get; internal set; }
}

/// <summary>One memory cgroup: its counters, limits and statistics.</summary>
/// <remarks>include/linux/memcontrol.h: struct mem_cgroup.</remarks>
public sealed class MemCgroup
{
    internal MemCgroup(ushort id, string name, MemCgroup? parent)
    {
        Id = id;
        Name = name;
        Parent = parent;
    }

    /// <summary>The id stored in each charged folio (PgData.FolioMemcg); 0 is the root cgroup.</summary>
    public ushort Id { get; }

    /// <summary>The cgroup path below the root ("/" for the root).</summary>
    public string Name { get; }

    /// <summary>The parent cgroup, null for the root.</summary>
    public MemCgroup? Parent { get; }

    /// <summary>Child cgroups in creation order.</summary>
    public List<MemCgroup> Children { get; } = [];

    /// <summary>The memory counter (memcg->memory).</summary>
    public PageCounter Memory { get; } = new();

    /// <summary>memory.high (v2): above it, the charging task is throttled on return to user space.</summary>
    public long High { get; set; } = PageCounter.Max;

    /// <summary>memory.low (v2), in pages.</summary>
    public long Low { get; set; }

    /// <summary>memory.min (v2), in pages.</summary>
    public long Min { get; set; }

    /// <summary>Per-cgroup statistics in the kernel's order (memcg_stat_item and node_stat_item), in pages (memory.stat).</summary>
    public long[] Stat { get; } = new long[MemcgStats.NrMemcgStatItems];

    /// <summary>memory.events (hierarchical in v2: an event counts in the cgroup and every ancestor below the root), by <see cref="MemcgMemoryEvent"/>.</summary>
    public long[] MemoryEvents { get; } = new long[(int)MemcgMemoryEvent.NrMemoryEvents];

    /// <summary>memory.events.local: events of this cgroup only.</summary>
    public long[] MemoryEventsLocal { get; } = new long[(int)MemcgMemoryEvent.NrMemoryEvents];

    /// <summary>Per-cgroup VM events (memcg_vm_event_stat: pgfault, pgscan_*, pgsteal_*, …), local to this cgroup, by <see cref="VmEventItem"/>.</summary>
    public long[] Events { get; } = new long[(int)VmEventItem.NrVmEventItems];

    /// <summary>memory.events max: charges that hit the limit (memory.events, hierarchical).</summary>
    public long EventsMax
    {
        get => MemoryEvents[(int)MemcgMemoryEvent.Max];
        internal set => MemoryEvents[(int)MemcgMemoryEvent.Max] = value;
    }

    /// <summary>memory.events oom: times the cgroup went out of memory.</summary>
    public long EventsOom
    {
        get => MemoryEvents[(int)MemcgMemoryEvent.Oom];
        internal set => MemoryEvents[(int)MemcgMemoryEvent.Oom] = value;
    }

    /// <summary>memory.events oom_kill: tasks the OOM killer killed in this cgroup.</summary>
    public long EventsOomKill
    {
        get => MemoryEvents[(int)MemcgMemoryEvent.OomKill];
        internal set => MemoryEvents[(int)MemcgMemoryEvent.OomKill] = value;
    }

    /// <summary>memory.events high: times the cgroup was reclaimed because it was over memory.high.</summary>
    public long EventsHigh
    {
        get => MemoryEvents[(int)MemcgMemoryEvent.High];
        internal set => MemoryEvents[(int)MemcgMemoryEvent.High] = value;
    }

    /// <summary>Whether <paramref name="ancestor"/> is this cgroup or one of its ancestors (mem_cgroup_is_descendant).</summary>
    /// <param name="ancestor">The candidate ancestor.</param>
    /// <returns>True when this cgroup is in <paramref name="ancestor"/>'s subtree.</returns>
    public bool IsDescendant(MemCgroup ancestor)
    {
        for (MemCgroup? m = this; m is not null; m = m.Parent)
        {
            if (m == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
