// The memory cgroups of a run: the hierarchy and uncharging (mm/memcontrol.c). Charging
// (try_charge_memcg) is in MemcgTree.Charge.cs, memory.high throttling in MemcgTree.OverHigh.cs,
// the statistics seams, the flush and the invariant in MemcgTree.Stats.cs.
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Memcontrol;

/// <summary>Limit reclaim, as memcg charging calls it (try_to_free_mem_cgroup_pages); implemented by reclaim.</summary>
public interface IMemcgReclaim
{
    /// <summary>Reclaims from <paramref name="memcg"/> and its descendants (mm/vmscan.c: try_to_free_mem_cgroup_pages).</summary>
    /// <param name="memcg">The cgroup over its limit.</param>
    /// <param name="nrPages">Pages wanted: the charge's nr_pages as the kernel passes it (the callee reclaims at least SWAP_CLUSTER_MAX: nr_to_reclaim = max(nr_pages, SWAP_CLUSTER_MAX)).</param>
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
public sealed partial class MemcgTree
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

    /// <summary>Uncharges a folio being freed (mem_cgroup_uncharge → uncharge_batch, __memcg_kmem_uncharge_page); called by the page allocator's free path for every folio with a memcg.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <param name="order">Its order.</param>
    /// <remarks>v1 counts pgpgout per user folio (memcg1_uncharge_batch); the charge leaves every counter below the root.</remarks>
    public void UnchargeFolio(int pfn, int order)
    {
        ushort id = node.FolioMemcg[pfn];
        node.FolioMemcg[pfn] = 0;
        MemCgroup memcg = byId[id];
        if (Version == CgroupVersion.V1 && memcg != Root && node.Pages[pfn].OwnerKind != OwnerKind.PageTable)
        {
            memcg.Events[(int)VmEventItem.Pgpgout]++;
        }

        for (MemCgroup? m = memcg; m is not null && m != Root; m = m.Parent)
        {
            m.Memory.Usage -= 1L << order;
        }
    }

    // commit_charge: the folio records its memcg (folio->memcg_data); v1 counts pgpgin per folio
    // (memcg1_commit_charge → memcg1_charge_statistics). The page counters were charged by try_charge.
    private void CommitCharge(int pfn, MemCgroup memcg, bool kmem)
    {
        node.FolioMemcg[pfn] = memcg.Id;
        if (Version == CgroupVersion.V1 && !kmem && memcg != Root)
        {
            memcg.Events[(int)VmEventItem.Pgpgin]++;
        }
    }
}
