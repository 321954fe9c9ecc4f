using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.PageFragCache;

/// <summary>mm/page_frag_cache.c: the page a page_frag cache carves network buffers from.</summary>
internal static class PageFrag
{
    /// <summary>PAGE_FRAG_CACHE_MAX_ORDER on 4 KiB pages (32 KiB).</summary>
    public const int CacheMaxOrder = 3;

    /// <summary>__page_frag_cache_refill: order 3 without direct reclaim and easy to fail, else order 0.</summary>
    /// <param name="pa">Allocation for the running task (the order-0 fallback may sleep with GFP_KERNEL).</param>
    /// <param name="stats">Where the allocations are counted.</param>
    /// <param name="gfp">The caller's mask.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is the page's PFN (its head page has its order), or −1.</returns>
    public static IEnumerable<Wait> Refill(IAllocPagesWait pa, IAllocAccount stats, GfpFlags gfp)
    {
        TaskContext current = pa.Current;
        GfpFlags high = (gfp & ~GfpFlags.DirectReclaim) | GfpFlags.Comp | GfpFlags.NoWarn | GfpFlags.NoRetry | GfpFlags.NoMemAlloc;
        yield return Wait.Call(pa.AllocPagesWait(high, CacheMaxOrder, OwnerKind.NetBuf));
        int pfn = current.AllocResult;
        stats.CountAlloc(CacheMaxOrder, pfn < 0);
        if (pfn < 0)
        {
            yield return Wait.Call(pa.AllocPagesWait(gfp, 0, OwnerKind.NetBuf));
            pfn = current.AllocResult;
            stats.CountAlloc(0, pfn < 0);
        }

        current.Ret = pfn;
    }
}
