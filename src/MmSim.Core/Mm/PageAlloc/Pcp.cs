using System.Runtime.CompilerServices;
using MmSim.Mm.Stat;
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

// Per-cpu page lists: batched refills from the buddy lists, LIFO reuse at the list head, and
// draining from the list tails once the count passes the auto-tuned high mark. Pages on these
// lists are free, yet absent from the buddy lists (and so from /proc/buddyinfo), as in the kernel.
// Most allocations and frees of pcp orders end here without touching the buddy lists: the common
// steps are inlined into the callers, the refill (rmqueue_bulk) and the drain (free_pcppages_bulk)
// are calls, as the kernel marks them unlikely.
public sealed partial class PageAllocator
{
    // mm/page_alloc.c: rmqueue_pcplist and __rmqueue_pcplist (6.18: no ALLOC_HIGHATOMIC early-out).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int RmqueuePcplist(Zone zone, int order, MigrateType mt, AllocFlags flags)
    {
        PerCpuPages pcp = zone.Pcp;

        // On allocation, halve the count of consecutive frees (see nr_pcp_free).
        pcp.FreeCount >>= 1;
        int pindex = PerCpuPages.OrderToPindex(mt, order);
        if (pcp.ListHead[pindex] < 0 && !RefillPcplist(zone, pcp, order, pindex, mt, flags))
        {
            return -1;
        }

        int pfn = pcp.ListHead[pindex];

        // __rmqueue_pcplist: check_new_pages (on under CONFIG_DEBUG_VM) — the page leaving the list
        // is a pcp page of the list's order and naturally aligned.
        VmBugOnPage(!pages[pfn].Has(PageFlags.Pcp) || pages[pfn].Order != order || (pfn & ((1 << order) - 1)) != 0,
            pages, pfn, "check_new_pages in __rmqueue_pcplist: not a pcp page of this order");
        PcpListDel(pcp, pindex, pfn);
        pcp.Count -= 1 << order;
        VmBugOn(pcp.Count < 0, "__rmqueue_pcplist: pcp->count >= 0");
        CountPgalloc(zone, order);
        return pfn;
    }

    // The empty-list branch of __rmqueue_pcplist: nr_pcp_alloc blocks from the buddy lists; false when
    // the list is still empty afterwards.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RefillPcplist(Zone zone, PerCpuPages pcp, int order, int pindex, MigrateType mt, AllocFlags flags)
    {
        int batch = NrPcpAlloc(pcp, zone, order);
        int alloced = RmqueueBulk(zone, order, batch, pindex, mt, flags);
        pcp.Count += alloced << order;
        return pcp.ListHead[pindex] >= 0;
    }

    // mm/page_alloc.c: rmqueue_bulk — one rmqueue_mode for the whole batch, pages to the list tail.
    private int RmqueueBulk(Zone zone, int order, int count, int pindex, MigrateType mt, AllocFlags flags)
    {
        RmqueueMode mode = RmqueueMode.Normal;
        PerCpuPages pcp = zone.Pcp;
        int i;
        for (i = 0; i < count; i++)
        {
            int pfn = Rmqueue(zone, order, mt, flags, ref mode);
            if (pfn < 0)
            {
                break;
            }

            ref PageFrame page = ref pages[pfn];

            // __rmqueue hands over a page that left the buddy lists (__del_page_from_free_list
            // cleared PageBuddy); list_add_tail on a page still linked elsewhere would corrupt both.
            VmBugOnPage(PageInUse(page), pages, pfn, "rmqueue_bulk: page from __rmqueue still on a list");
            page.Flags = (uint)PageFlags.Pcp;
            page.Order = order;
            page.AllocMt = MigrateTypes.None;
            IntrusiveList.AddTail(pages, pcp.ListHead, pcp.ListTail, pindex, pfn);
        }

        return i;
    }

    // mm/page_alloc.c: nr_pcp_alloc — how many blocks one refill takes.
    private static int NrPcpAlloc(PerCpuPages pcp, Zone zone, int order)
    {
        int baseBatch = pcp.Batch;
        int high = pcp.High = Math.Clamp(pcp.High, pcp.HighMin, Math.Max(pcp.HighMin, pcp.HighMax));

        // PCP disabled or boot pageset.
        if (high < baseBatch)
        {
            return 1;
        }

        int batch = order != 0 ? baseBatch : baseBatch << pcp.AllocFactor;

        // With a larger pcp->high we could avoid allocating from the zone.
        if (pcp.HighMin != pcp.HighMax && (zone.Flags & ZoneFlags.BelowHigh) == 0)
        {
            high = pcp.High = Math.Min(high + batch, pcp.HighMax);
        }

        if (order == 0)
        {
            int maxNrAlloc = Math.Max(high - pcp.Count - baseBatch, baseBatch);

            // Double the pages allocated each time order-0 allocations follow without frees.
            if (batch <= maxNrAlloc && pcp.AllocFactor < PerCpuPages.BatchScaleMax)
            {
                pcp.AllocFactor++;
            }

            batch = Math.Min(batch, maxNrAlloc);
        }

        // Scale the batch relative to the order when free pages can be stored on the pcp.
        if (batch > 1)
        {
            batch = Math.Max(batch >> order, 2);
        }

        return batch;
    }

    // mm/page_alloc.c: __free_frozen_pages (pcp part) — HIGHATOMIC and CMA use the MOVABLE list,
    // ISOLATE bypasses the pcp.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FreeToPcp(int pfn, int order)
    {
        Zone zone = Node.PageZone(pfn);
        MigrateType mt = Node.PageblockMigratetype(pfn);
        if ((int)mt >= MigrateTypes.PcpTypes)
        {
            if (mt == MigrateType.Isolate)
            {
                FreeOnePageCounted(zone, pfn, order, FreeFlags.None);
                return;
            }

            mt = MigrateType.Movable;
        }

        FreeFrozenPageCommit(zone, zone.Pcp, pfn, mt, order);
    }

    // mm/page_alloc.c: free_frozen_page_commit (6.18: a single free_pcppages_bulk call).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FreeFrozenPageCommit(Zone zone, PerCpuPages pcp, int pfn, MigrateType mt, int order)
    {
        pcp.AllocFactor >>= 1;
        CountVmEvents(VmEventItem.Pgfree, 1L << order);
        int pindex = PerCpuPages.OrderToPindex(mt, order);
        ref PageFrame page = ref pages[pfn];

        // free_frozen_page_commit runs after __free_pages_prepare: the page is on no list, and only
        // pcp_allowed_order() orders of the three pcp types reach the pcp lists.
        VmBugOnPage(PageInUse(page), pages, pfn, "free_frozen_page_commit: page already on a list");
        VmBugOn(!PerCpuPages.AllowedOrder(order) || (uint)mt >= MigrateTypes.PcpTypes, "free_frozen_page_commit: pcp_allowed_order(order) && migratetype < MIGRATE_PCPTYPES");
        page.Flags = (uint)PageFlags.Pcp;
        page.Order = order;
        IntrusiveList.AddHead(pages, pcp.ListHead, pcp.ListTail, pindex, pfn);
        pcp.Count += 1 << order;

        int batch = pcp.Batch;
        bool freeHigh = false;
        if (order != 0 && order <= MmConstants.PageAllocCostlyOrder)
        {
            freeHigh = pcp.FreeCount >= batch + (pcp.HighMin / 2) &&
                       (pcp.PcpFlags & PerCpuPages.FlagPrevFreeHighOrder) != 0 &&
                       ((pcp.PcpFlags & PerCpuPages.FlagFreeHighBatch) == 0 || pcp.Count >= batch);
            pcp.PcpFlags |= PerCpuPages.FlagPrevFreeHighOrder;
        }
        else
        {
            pcp.PcpFlags &= ~PerCpuPages.FlagPrevFreeHighOrder;
        }

        if (pcp.FreeCount < (batch << PerCpuPages.BatchScaleMax))
        {
            pcp.FreeCount += 1 << order;
        }

        int high = NrPcpHigh(pcp, zone, batch, freeHigh);
        if (pcp.Count < high)
        {
            return;
        }

        DrainPcpAboveHigh(zone, pcp, pindex, batch, high, freeHigh);
    }

    // The over-high branch of free_frozen_page_commit: drain to the buddy lists, then clear
    // ZONE_BELOW_HIGH once the zone is above its high watermark again.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DrainPcpAboveHigh(Zone zone, PerCpuPages pcp, int pindex, int batch, int high, bool freeHigh)
    {
        FreePcppagesBulk(zone, NrPcpFree(pcp, batch, high, freeHigh), pcp, pindex);
        if ((zone.Flags & ZoneFlags.BelowHigh) != 0 &&
            ZoneWatermarkOk(zone, 0, zone.WmarkPages(WatermarkIndex.High), ZoneType.Movable, 0))
        {
            zone.Flags &= ~ZoneFlags.BelowHigh;
        }
    }

    // mm/page_alloc.c: nr_pcp_high — the drain threshold, auto-tuned between high_min and high_max.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NrPcpHigh(PerCpuPages pcp, Zone zone, int batch, bool freeHigh)
    {
        int highMin = pcp.HighMin;
        int highMax = pcp.HighMax;
        int high = pcp.High = Math.Clamp(pcp.High, highMin, Math.Max(highMin, highMax));
        if (high == 0)
        {
            return 0;
        }

        if (freeHigh)
        {
            pcp.High = Math.Max(high - (batch << PerCpuPages.BatchScaleMax), highMin);
            return 0;
        }

        // If reclaim is active, limit the number of pages that can be stored on pcp lists.
        if ((zone.Flags & ZoneFlags.ReclaimActive) != 0)
        {
            int freeCount = Math.Max(pcp.FreeCount, batch);
            pcp.High = Math.Max(high - freeCount, highMin);
            return Math.Min(batch << 2, pcp.High);
        }

        if (highMin == highMax)
        {
            return high;
        }

        if ((zone.Flags & ZoneFlags.BelowHigh) != 0)
        {
            int freeCount = Math.Max(pcp.FreeCount, batch);
            pcp.High = Math.Max(high - freeCount, highMin);
            high = Math.Max(pcp.Count, highMin);
        }
        else if (pcp.Count >= high)
        {
            // pcp->high should be large enough to hold batch freed pages.
            int needHigh = pcp.FreeCount + batch;
            if (pcp.High < needHigh)
            {
                pcp.High = Math.Clamp(needHigh, highMin, highMax);
            }
        }

        return high;
    }

    // mm/page_alloc.c: nr_pcp_free.
    private static int NrPcpFree(PerCpuPages pcp, int batch, int high, bool freeHigh)
    {
        if (freeHigh)
        {
            return Math.Min(pcp.Count, batch << PerCpuPages.BatchScaleMax);
        }

        if (high < batch)
        {
            return 1;
        }

        // Leave at least pcp->batch pages on the list; free more after consecutive frees.
        return Math.Clamp(pcp.FreeCount, batch, high - batch);
    }

    // mm/page_alloc.c: free_pcppages_bulk — round-robin over the lists from pindex, coldest (tail)
    // pages first, each freed with its block's current type.
    internal void FreePcppagesBulk(Zone zone, int count, PerCpuPages pcp, int pindex)
    {
        count = Math.Min(pcp.Count, count);
        pindex--;
        while (count > 0)
        {
            do
            {
                if (++pindex > PerCpuPages.NrLists - 1)
                {
                    pindex = 0;
                }
            }
            while (pcp.ListHead[pindex] < 0);

            int order = PerCpuPages.PindexToOrder(pindex);
            int nrPages = 1 << order;
            do
            {
                int pfn = pcp.ListTail[pindex];
                MigrateType mt = Node.PageblockMigratetype(pfn);

                // The tail of list pindex is a pcp page of pindex_to_order(pindex): __free_one_page
                // merges it at that order, so a wrong order would merge across foreign pages.
                VmBugOnPage(!pages[pfn].Has(PageFlags.Pcp) || pages[pfn].Order != order, pages, pfn, "free_pcppages_bulk: list page is not a pcp page of pindex_to_order(pindex)");
                PcpListDel(pcp, pindex, pfn);
                count -= nrPages;
                pcp.Count -= nrPages;
                VmBugOn(pcp.Count < 0, "free_pcppages_bulk: pcp->count >= 0");
                pages[pfn].Flags = 0;
                FreeOnePage(zone, pfn, order, mt, FreeFlags.None);
            }
            while (count > 0 && pcp.ListHead[pindex] >= 0);
        }
    }

    /// <summary>drain_pages_zone: returns every pcp page of the zone to the buddy lists.</summary>
    /// <param name="zone">The zone.</param>
    /// <remarks>mm/page_alloc.c: drain_pages_zone (drain_all_pages for one CPU).</remarks>
    public void DrainPagesZone(Zone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        PerCpuPages pcp = zone.Pcp;
        if (pcp.Count > 0)
        {
            FreePcppagesBulk(zone, pcp.Count, pcp, 0);
        }
    }

    /// <summary>drain_all_pages(NULL): drains every zone's pcp lists.</summary>
    public void DrainAllPages()
    {
        foreach (Zone zone in Node.Zones)
        {
            DrainPagesZone(zone);
        }
    }

    /// <summary>
    /// decay_pcp_high: lets pcp->high fall back towards high_min and frees what is above it. The
    /// vmstat worker calls this about once a second of simulated time (refresh_cpu_vm_stats).
    /// </summary>
    /// <param name="zone">The zone.</param>
    /// <returns>Non-zero when more decay work remains.</returns>
    /// <remarks>mm/page_alloc.c: decay_pcp_high.</remarks>
    public int DecayPcpHigh(Zone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        PerCpuPages pcp = zone.Pcp;
        int todo = 0;
        if (pcp.High > pcp.HighMin)
        {
            pcp.High = Math.Max(Math.Max(pcp.Count - (pcp.Batch << PerCpuPages.BatchScaleMax), pcp.High - (pcp.High >> 3)), pcp.HighMin);
            if (pcp.High > pcp.HighMin)
            {
                todo++;
            }
        }

        int toDrain = pcp.Count - pcp.High;
        if (toDrain > 0)
        {
            FreePcppagesBulk(zone, toDrain, pcp, 0);
            todo++;
        }

        return todo;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PcpListDel(PerCpuPages pcp, int pindex, int pfn)
    {
        IntrusiveList.Remove(pages, pcp.ListHead, pcp.ListTail, pindex, pfn);
        pages[pfn].Clear(PageFlags.Pcp);
    }
}
