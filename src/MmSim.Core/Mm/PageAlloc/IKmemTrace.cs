namespace MmSim.Mm.PageAlloc;

/// <summary>Receiver of the kmem tracepoints the page allocator fires.</summary>
/// <remarks>include/trace/events/kmem.h. Declared here, beside the code that fires the events, so the
/// allocator does not depend on whoever prints them: implementations (Mm/Trace's FtraceWriter, test
/// counters) sit above. The allocator only calls when a sink is attached.</remarks>
public interface IKmemTrace
{
    /// <summary>kmem:mm_page_alloc.</summary>
    /// <param name="pfn">First PFN, or -1 when the allocation failed.</param>
    /// <param name="order">Order.</param>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="migratetype">The request's migratetype.</param>
    void MmPageAlloc(int pfn, int order, GfpFlags gfp, MigrateType migratetype);

    /// <summary>kmem:mm_page_free.</summary>
    /// <param name="pfn">First PFN.</param>
    /// <param name="order">Order.</param>
    void MmPageFree(int pfn, int order);

    /// <summary>kmem:mm_page_alloc_zone_locked: a block taken off the buddy free lists by __rmqueue_smallest.</summary>
    /// <param name="pfn">First PFN.</param>
    /// <param name="order">Order.</param>
    /// <param name="migratetype">The free list it came from.</param>
    /// <param name="percpuRefill">pcp_allowed_order(order) &amp;&amp; migratetype &lt; MIGRATE_PCPTYPES, as the kernel computes it.</param>
    void MmPageAllocZoneLocked(int pfn, int order, MigrateType migratetype, bool percpuRefill);

    /// <summary>kmem:mm_page_pcpu_drain: a per-cpu page returned to the buddy by free_pcppages_bulk.</summary>
    /// <param name="pfn">First PFN.</param>
    /// <param name="order">Order.</param>
    /// <param name="migratetype">The pageblock's migratetype it is freed with.</param>
    void MmPagePcpuDrain(int pfn, int order, MigrateType migratetype);

    /// <summary>kmem:mm_page_alloc_extfrag.</summary>
    /// <param name="pfn">PFN of the page handed out.</param>
    /// <param name="allocOrder">Requested order.</param>
    /// <param name="fallbackOrder">Order of the foreign free block used.</param>
    /// <param name="allocMigratetype">Requested migratetype.</param>
    /// <param name="fallbackMigratetype">Type of the free list fallen back to.</param>
    /// <param name="changeOwnership">alloc_migratetype == get_pageblock_migratetype(page) after any claim.</param>
    void MmPageAllocExtfrag(int pfn, int allocOrder, int fallbackOrder, MigrateType allocMigratetype, MigrateType fallbackMigratetype, bool changeOwnership);
}
