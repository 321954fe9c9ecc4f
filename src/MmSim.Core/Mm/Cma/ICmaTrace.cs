namespace MmSim.Mm.Cma;

/// <summary>Receiver of the cma tracepoints cma_alloc and cma_release fire.</summary>
/// <remarks>include/trace/events/cma.h. Declared beside the code that fires them (as IMigrateTrace is).</remarks>
public interface ICmaTrace
{
    /// <summary>cma:cma_alloc_start, before the bitmap search.</summary>
    /// <param name="name">The area.</param>
    /// <param name="requestCount">Pages requested.</param>
    /// <param name="availableCount">cma->available_count.</param>
    /// <param name="totalCount">cma->count.</param>
    /// <param name="align">Alignment order.</param>
    void CmaAllocStart(string name, long requestCount, long availableCount, long totalCount, int align);

    /// <summary>cma:cma_alloc_busy_retry, after alloc_contig_range returned -EBUSY for a candidate.</summary>
    /// <param name="name">The area.</param>
    /// <param name="pfn">The busy candidate's first PFN.</param>
    /// <param name="count">Pages requested.</param>
    /// <param name="align">Alignment order.</param>
    void CmaAllocBusyRetry(string name, int pfn, long count, int align);

    /// <summary>cma:cma_alloc_finish, before the counters.</summary>
    /// <param name="name">The area.</param>
    /// <param name="pfn">First PFN allocated, or −1 (printed as pfn 0 and a NULL page).</param>
    /// <param name="count">Pages requested.</param>
    /// <param name="align">Alignment order.</param>
    /// <param name="errorno">0 or the -errno.</param>
    void CmaAllocFinish(string name, int pfn, long count, int align, int errorno);

    /// <summary>cma:cma_release.</summary>
    /// <param name="name">The area.</param>
    /// <param name="pfn">First PFN released.</param>
    /// <param name="count">Pages.</param>
    void CmaRelease(string name, int pfn, long count);
}
