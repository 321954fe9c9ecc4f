// memcg charging of new page cache folios (mm/filemap.c: __filemap_add_folio → mem_cgroup_charge;
// mm/shmem.c: shmem_alloc_and_add_folio): the folio is charged to the memcg of the task that adds it
// before it enters the mapping and the LRU; a failed charge frees it and the read or write fails.
using MmSim.Mm.Memcontrol;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

/// <content>Charging new page cache folios.</content>
internal sealed partial class PageCache
{
    // Charges the new folio at pfn to current's memcg; AllocResult is the PFN, or -1 after a failed
    // charge freed it (-ENOMEM). The caller's Ret is kept. The gfp is the allocation's: mapping_gfp_mask
    // (MappingGfp, may OOM) for filemap_create_folio and writes, readahead's __GFP_NORETRY mask for readahead.
    private IEnumerable<Wait> ChargeNewFolio(MemcgTree memcg, int pfn, TaskContext current, GfpFlags gfp = MappingGfp)
    {
        int ret = current.Ret;
        yield return Wait.Call(memcg.ChargeFolio(pfn, memcg.MemcgOf(current), gfp, current));
        current.AllocResult = current.Ret == 0 ? pfn : -1;
        current.Ret = ret;
        if (current.AllocResult < 0)
        {
            alloc.FreePages(pfn, alloc.Node.Pages[pfn].Order);
        }
    }
}
