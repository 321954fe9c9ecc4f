namespace MmSim.Mm.PageIsolation;

/// <summary>Who isolates a range, which changes what counts as movable (enum pb_isolate_mode).</summary>
/// <remarks>include/linux/page-isolation.h: PB_ISOLATE_MODE_MEM_OFFLINE, PB_ISOLATE_MODE_CMA_ALLOC,
/// PB_ISOLATE_MODE_OTHER (6.16+; before, the flags MEMORY_OFFLINE and REPORT_FAILURE and a
/// migratetype argument said the same).</remarks>
public enum PbIsolateMode
{
    /// <summary>PB_ISOLATE_MODE_MEM_OFFLINE: offline_pages (HWPoison and PageOffline pages pass; the unmovable page is dumped).</summary>
    MemOffline,

    /// <summary>PB_ISOLATE_MODE_CMA_ALLOC: cma_alloc, whose CMA pageblocks are isolated even though not everything in them is movable yet.</summary>
    CmaAlloc,

    /// <summary>PB_ISOLATE_MODE_OTHER: alloc_contig_pages and other alloc_contig_range callers.</summary>
    Other,
}
