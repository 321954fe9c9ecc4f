namespace MmSim.Mm.PageAlloc;

// Dirty spreading (mm/page_alloc.c: get_page_from_freelist with ac->spread_dirty_pages): the writeback
// model above says whether the node is within its dirty limit.
public sealed partial class PageAllocator
{
    /// <summary>node_dirty_ok of the node, set by the writeback model; null: always within the limit.</summary>
    /// <remarks>Only __GFP_WRITE allocations ask, and only in the fast path ("Dirty zone balancing only done in the fast path").</remarks>
    public Func<bool>? NodeDirtyOk { get; set; }

    // ac->spread_dirty_pages: a __GFP_WRITE allocation skips every zone of a node over its dirty limit.
    private bool SpreadDirtyPagesRefuses(GfpFlags gfp) => (gfp & GfpFlags.Write) != 0 && NodeDirtyOk is { } ok && !ok();
}
