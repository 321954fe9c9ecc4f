using MmSim.Mm.Folio;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Slab;
using MmSim.Mm.Swap;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan;

/// <summary>What a reclaim implementation is built from: the kernel state it scans and frees.</summary>
/// <param name="Alloc">The node's allocator.</param>
/// <param name="Lru">The node's LRU lists (one lruvec per memcg).</param>
/// <param name="Rmap">The reverse map (try_to_unmap, folio_referenced).</param>
/// <param name="Mappings">Every mapping (folio_mapping).</param>
/// <param name="FolioWait">Folio locks and writeback waits (folio_trylock, folio_wait_writeback).</param>
/// <param name="Shrinkers">The registered slab shrinkers (shrink_slab).</param>
/// <param name="Memcg">The memory cgroups (mem_cgroup_iter, the v1/v2 hierarchy).</param>
/// <param name="Sim">The engine (reclaim_throttle sleeps on its clock).</param>
/// <param name="Current">The running task's context (current).</param>
/// <param name="Workingset">Shadow entries and refault detection (null: reclaim makes its own).</param>
/// <param name="RemoveMapping">The page cache's __remove_mapping (null: page-cache folios are never evicted).</param>
public sealed record ReclaimDeps(
    PageAllocator Alloc, Lru Lru, Rmap.Rmap Rmap, MappingRegistry Mappings, Filemap.FolioWait FolioWait, Shrinkers Shrinkers,
    MemcgTree Memcg, Simulator Sim, Func<TaskContext> Current, Workingset? Workingset = null, IRemoveMapping? RemoveMapping = null);
