// The memory cgroups of a run and their charging (mm/memcontrol.c, mm/memcontrol-v1.c).
// CONTRACT (issue 8): the charge path is a stub that charges without limits; the memcg work
// fills in try_charge (limit reclaim through IMemcgReclaim, memory.high, memcg OOM through
// IMemcgOom), kmem accounting and memory.stat.
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Memcontrol;

/// <summary>Limit reclaim, as memcg charging calls it (try_to_free_mem_cgroup_pages); implemented by reclaim.</summary>
public interface IMemcgReclaim
{
    /// <summary>Reclaims from <paramref name="memcg"/> and its descendants (mm/vmscan.c: try_to_free_mem_cgroup_pages).</summary>
    /// <param name="memcg">The cgroup over its limit.</param>
    /// <param name="nrPages">Pages wanted (at least SWAP_CLUSTER_MAX).</param>
    /// <param name="gfp">The charge's gfp mask.</param>
    /// <param name="mayWritepage">False for proactive reclaim only.</param>
    /// <returns>The coroutine the charging task awaits; <see cref="TaskContext.Ret"/> is the number of pages reclaimed.</returns>
    IEnumerable<Wait> TryToFreeMemCgroupPages(MemCgroup memcg, long nrPages, GfpFlags gfp, bool mayWritepage = true);
}

/// <summary>The memcg OOM path (mem_cgroup_out_of_memory); implemented by the OOM killer.</summary>
public interface IMemcgOom
{
    /// <summary>Kills a task in <paramref name="memcg"/> (mm/memcontrol.c: mem_cgroup_out_of_memory).</summary>
    /// <param name="memcg">The cgroup at its limit.</param>
    /// <param name="gfp">The charge's gfp mask.</param>
    /// <param name="order">The charge's order.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is 1 when a victim was killed (or one is exiting).</returns>
    IEnumerable<Wait> MemCgroupOutOfMemory(MemCgroup memcg, GfpFlags gfp, int order);
}

/// <summary>The memory cgroups of one node: the hierarchy, charging and uncharging of folios.</summary>
public sealed class MemcgTree
{
    private readonly PgData node;
    private readonly List<MemCgroup> byId = [];

    /// <summary>Creates the hierarchy with its root cgroup (id 0).</summary>
    /// <param name="node">The node whose folios carry the memcg id.</param>
    /// <param name="version">The mounted hierarchy.</param>
    public MemcgTree(PgData node, CgroupVersion version = CgroupVersion.V2)
    {
        ArgumentNullException.ThrowIfNull(node);
        this.node = node;
        Version = version;
        Root = new MemCgroup(0, "/", null);
        byId.Add(Root);
    }

    /// <summary>The hierarchy in use (cgroup_subsys_on_dfl(memory_cgrp_subsys) is V2).</summary>
    public CgroupVersion Version { get; }

    /// <summary>The root cgroup: its charges are not limited.</summary>
    public MemCgroup Root { get; }

    /// <summary>Every cgroup by id (creation order).</summary>
    public IReadOnlyList<MemCgroup> All => byId;

    /// <summary>Limit reclaim; null until reclaim is wired (then charges over the limit fail at once).</summary>
    public IMemcgReclaim? Reclaim { get; set; }

    /// <summary>The memcg OOM killer; null until wired.</summary>
    public IMemcgOom? Oom { get; set; }

    /// <summary>The cgroup with id <paramref name="id"/>.</summary>
    /// <param name="id">A memcg id.</param>
    /// <returns>The cgroup.</returns>
    public MemCgroup this[ushort id] => byId[id];

    /// <summary>Creates a child cgroup (mkdir in the memory controller's hierarchy).</summary>
    /// <param name="name">Path below the root, e.g. "/fuse".</param>
    /// <param name="parent">Parent, the root when null.</param>
    /// <returns>The new cgroup.</returns>
    public MemCgroup Create(string name, MemCgroup? parent = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (byId.Count > ushort.MaxValue)
        {
            throw new InvalidOperationException("more than 65535 memory cgroups");
        }

        parent ??= Root;
        var memcg = new MemCgroup((ushort)byId.Count, name, parent);
        parent.Children.Add(memcg);
        byId.Add(memcg);
        return memcg;
    }

    /// <summary>
    /// Charges a newly allocated folio to <paramref name="memcg"/> (mem_cgroup_charge → charge_memcg →
    /// try_charge, commit_charge); <see cref="TaskContext.Ret"/> is 0 on success or -ENOMEM (-12), and on
    /// failure the caller frees the folio.
    /// </summary>
    /// <param name="pfn">Head PFN of the folio (not on an LRU yet).</param>
    /// <param name="memcg">The cgroup to charge (the task's, or the writer's for page cache).</param>
    /// <param name="gfp">The allocation's gfp mask (limit reclaim may run only if it allows reclaim).</param>
    /// <param name="current">The charging task.</param>
    /// <returns>The coroutine the charging task awaits.</returns>
    /// <remarks>CONTRACT STUB: charges without looking at limits.</remarks>
    public IEnumerable<Wait> ChargeFolio(int pfn, MemCgroup memcg, GfpFlags gfp, TaskContext current)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        ArgumentNullException.ThrowIfNull(current);
        _ = gfp;
        CommitCharge(pfn, memcg);
        current.Ret = 0;
        return [];
    }

    /// <summary>Uncharges a folio being freed (mem_cgroup_uncharge, __memcg_kmem_uncharge_page); called by the page allocator's free path for every folio with a memcg.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <param name="order">Its order.</param>
    public void UnchargeFolio(int pfn, int order)
    {
        ushort id = node.FolioMemcg[pfn];
        node.FolioMemcg[pfn] = 0;
        for (MemCgroup? m = byId[id]; m is not null && m != Root; m = m.Parent)
        {
            m.Memory.Usage -= 1L << order;
        }
    }

    // commit_charge: the folio records its memcg; usage grows up the hierarchy (page_counter_charge),
    // except the root's, which try_charge never charges (mem_cgroup_is_root).
    private void CommitCharge(int pfn, MemCgroup memcg)
    {
        node.FolioMemcg[pfn] = memcg.Id;
        long nr = 1L << node.Pages[pfn].Order;
        for (MemCgroup? m = memcg; m is not null && m != Root; m = m.Parent)
        {
            m.Memory.Usage += nr;
            m.Memory.Watermark = Math.Max(m.Memory.Watermark, m.Memory.Usage);
        }
    }
}
