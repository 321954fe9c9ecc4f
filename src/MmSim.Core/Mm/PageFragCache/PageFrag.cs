using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.PageFragCache;

/// <summary>mm/page_frag_cache.c: the page a page_frag cache carves network buffers from.</summary>
internal static class PageFrag
{
    /// <summary>PAGE_FRAG_CACHE_MAX_ORDER on 4 KiB pages (32 KiB).</summary>
    public const int CacheMaxOrder = 3;

    /// <summary>__page_frag_cache_refill: order 3 without direct reclaim and easy to fail, else order 0.</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="stats">Where the allocations are counted.</param>
    /// <param name="gfp">The caller's mask.</param>
    /// <returns>The page and its order, or pfn -1.</returns>
    public static (int Pfn, int Order) Refill(PageAllocator alloc, IAllocAccount stats, GfpFlags gfp)
    {
        GfpFlags high = (gfp & ~GfpFlags.DirectReclaim) | GfpFlags.Comp | GfpFlags.NoWarn | GfpFlags.NoRetry | GfpFlags.NoMemAlloc;
        int pfn = alloc.AllocPages(high, CacheMaxOrder, OwnerKind.NetBuf, 0);
        stats.CountAlloc(CacheMaxOrder, pfn < 0);
        if (pfn >= 0)
        {
            return (pfn, CacheMaxOrder);
        }

        pfn = alloc.AllocPages(gfp, 0, OwnerKind.NetBuf, 0);
        stats.CountAlloc(0, pfn < 0);
        return (pfn, 0);
    }
}
