using MmSim.Mm.DebugVm;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Tests.KernelRules.Support;

/// <summary>
/// Builds exact buddy states: take every free block off the lists (as if allocated), re-tile
/// allocated memory into blocks of chosen orders and flags, then free chosen blocks through the
/// allocator's own free path so lists, merges and counters are the kernel's.
/// </summary>
internal static class Shape
{
    /// <summary>alloc_flags == 0 (ALLOC_WMARK_MIN and nothing else).</summary>
    public const AllocFlags NoAllocFlags = 0;

    /// <summary>Removes every free block of the zone from the buddy lists and marks it allocated at its order.</summary>
    public static void TakeAll(PageAllocator a, Zone zone)
    {
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            for (int mt = 0; mt < MigrateTypes.Count; mt++)
            {
                int pfn;
                while ((pfn = zone.FreeListHead(order, (MigrateType)mt)) >= 0)
                {
                    a.DelFromFreeList(zone, pfn, order, (MigrateType)mt);
                    Own(a, pfn, order);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="TakeAll"/>, then re-tiles every pageblock of the zone as one allocated order-9 block, so
    /// tests can carve any block without worrying about order-10 heads spanning two blocks.
    /// </summary>
    public static void Clear(PageAllocator a, Zone zone)
    {
        TakeAll(a, zone);
        for (int pfn = zone.ZoneStartPfn; pfn < zone.ZoneEndPfn; pfn += MmConstants.PageblockNrPages)
        {
            Own(a, pfn, MmConstants.PageblockOrder);
        }
    }

    /// <summary>Marks <paramref name="pfn"/> as the head of an allocated block of <paramref name="order"/> (tail pages cleared).</summary>
    public static void Own(PageAllocator a, int pfn, int order, PageFlags extra = PageFlags.None)
    {
        for (int t = pfn + 1; t < pfn + (1 << order); t++)
        {
            a.Node.Pages[t] = PageFrame.Empty;
        }

        ref PageFrame p = ref a.Node.Pages[pfn];
        p.Flags = 0;
        p.Order = order;
        p.AllocMt = MigrateTypes.None;
        p.Set(PageFlags.Allocated | extra);
        p.Next = -1;
        p.Prev = -1;
    }

    /// <summary>Tiles [start, start + nrPages) with allocated blocks of one order.</summary>
    public static void OwnRange(PageAllocator a, int start, int nrPages, int order = 0, PageFlags extra = PageFlags.None)
    {
        for (int pfn = start; pfn < start + nrPages; pfn += 1 << order)
        {
            Own(a, pfn, order, extra);
        }
    }

    /// <summary>Frees an allocated block through __free_pages (buddy directly when pcp is off).</summary>
    public static void Free(PageAllocator a, int pfn, int order) => a.FreePages(pfn, order);

    /// <summary>Frees an owned block straight to the buddy lists (free_one_page, FPI_NONE), bypassing pcp.</summary>
    public static void FreeToBuddy(PageAllocator a, int pfn, int order)
    {
        Assert.True(a.Node.Pages[pfn].Has(PageFlags.Allocated));
        a.Node.Pages[pfn].Flags = 0;
        a.FreeOnePageCounted(a.Node.PageZone(pfn), pfn, order, FreeFlags.None);
    }

    /// <summary>
    /// Lays out one pageblock: every page allocated at order 0 (LRU for the first
    /// <paramref name="movable"/> of them after the free blocks), then frees the given blocks to the buddy
    /// lists in the order listed. The block gets type <paramref name="mt"/> first.
    /// </summary>
    public static void ShapeBlock(PageAllocator a, int blockPfn, MigrateType mt, int movable, params (int Pfn, int Order)[] free)
    {
        SetType(a, blockPfn, mt);
        OwnRange(a, blockPfn, MmConstants.PageblockNrPages, 0);
        var freePfns = new HashSet<int>();
        foreach ((int pfn, int order) in free)
        {
            for (int p = pfn; p < pfn + (1 << order); p++)
            {
                freePfns.Add(p);
            }
        }

        for (int p = blockPfn; p < blockPfn + MmConstants.PageblockNrPages && movable > 0; p++)
        {
            if (!freePfns.Contains(p))
            {
                a.Node.Pages[p].Set(PageFlags.Lru);
                movable--;
            }
        }

        Assert.Equal(0, movable);
        foreach ((int pfn, int order) in free)
        {
            Own(a, pfn, order);
            FreeToBuddy(a, pfn, order);
        }
    }

    /// <summary>Sets a pageblock's migratetype.</summary>
    public static void SetType(PageAllocator a, int pfn, MigrateType mt) => a.Node.SetPageblockMigratetype(pfn, mt);

    /// <summary>Pageblock type of the block holding <paramref name="pfn"/>.</summary>
    public static MigrateType TypeOf(PageAllocator a, int pfn) => a.Node.PageblockMigratetype(pfn);

    /// <summary>The PFNs on free_area[order].free_list[mt], head first.</summary>
    public static int[] List(PageAllocator a, Zone zone, int order, MigrateType mt)
    {
        var list = new List<int>();
        for (int pfn = zone.FreeListHead(order, mt); pfn >= 0; pfn = a.Node.Pages[pfn].Next)
        {
            list.Add(pfn);
        }

        return [.. list];
    }

    /// <summary>The PFNs on one pcp list, head first.</summary>
    public static int[] PcpList(PageAllocator a, Zone zone, int pindex)
    {
        var list = new List<int>();
        for (int pfn = zone.Pcp.ListHead[pindex]; pfn >= 0; pfn = a.Node.Pages[pfn].Next)
        {
            list.Add(pfn);
        }

        return [.. list];
    }

    /// <summary>Every non-empty free list of the zone as "order/type: pfn,pfn,…" lines (for whole-state asserts).</summary>
    public static string[] Lists(PageAllocator a, Zone zone)
    {
        var lines = new List<string>();
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            for (int mt = 0; mt < MigrateTypes.Count; mt++)
            {
                int[] l = List(a, zone, order, (MigrateType)mt);
                if (l.Length > 0)
                {
                    lines.Add($"{order}/{MigrateTypes.Names[mt]}: {string.Join(",", l)}");
                }
            }
        }

        return [.. lines];
    }

    /// <summary>NR_FREE_PAGES of the zone.</summary>
    public static long FreePages(Zone zone) => zone.VmStat[(int)ZoneStatItem.NrFreePages];

    /// <summary>NR_FREE_CMA_PAGES of the zone.</summary>
    public static long FreeCma(Zone zone) => zone.VmStat[(int)ZoneStatItem.NrFreeCma];

    /// <summary>NR_FREE_PAGES_BLOCKS of the zone.</summary>
    public static long FreeBlocks(Zone zone) => zone.VmStat[(int)ZoneStatItem.NrFreePagesBlocks];

    /// <summary>Sets all four watermarks (and no boost) so tests control the watermark checks.</summary>
    public static void SetWatermarks(Zone zone, long min, long low, long high)
    {
        zone.Watermark[(int)WatermarkIndex.Min] = min;
        zone.Watermark[(int)WatermarkIndex.Low] = low;
        zone.Watermark[(int)WatermarkIndex.High] = high;
        zone.Watermark[(int)WatermarkIndex.Promo] = high;
    }

    /// <summary>Asserts that the buddy-state checker finds nothing.</summary>
    public static void AssertClean(PageAllocator a) => Assert.Empty(FreeAreaChecker.Check(a));
}
