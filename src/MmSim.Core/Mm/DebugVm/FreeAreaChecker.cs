using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.DebugVm;

/// <summary>
/// The expensive invariant checks of the buddy allocator, run by tests and by <c>--check</c>
/// after every operation: free pages conserved, every free block aligned and on exactly one list of
/// its order and its block's type, no mergeable buddies left unmerged, counters equal a recount.
/// </summary>
/// <remarks>
/// Plays the role of CONFIG_DEBUG_VM checks (VM_BUG_ON_PAGE in expand/__free_one_page,
/// check_new_pages) and of TigerBeetle's state checker: it reads the state and reports, it never
/// repairs. Cost: O(pages) per call.
/// </remarks>
public static class FreeAreaChecker
{
    /// <summary>Checks the whole node; returns the problems found (empty when consistent).</summary>
    /// <param name="alloc">The allocator to check.</param>
    /// <param name="maxProblems">Stop after this many problems.</param>
    /// <param name="isolated">Blocks held outside the allocator by compaction's scanners (isolated free pages,
    /// captured blocks): neither free nor allocated, they count towards the conserved managed pages.</param>
    /// <returns>One line per problem.</returns>
    public static IReadOnlyList<string> Check(PageAllocator alloc, int maxProblems = 20, IReadOnlyList<(int Pfn, int Order)>? isolated = null)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        var problems = new List<string>();
        PgData node = alloc.Node;
        var onList = new byte[node.NodeSpannedPages];
        var isolatedOrder = new Dictionary<int, int>();
        foreach ((int pfn, int order) in isolated ?? [])
        {
            if (!isolatedOrder.TryAdd(pfn, order))
            {
                problems.Add($"pfn 0x{pfn:x} is isolated twice");
            }
        }

        foreach (Zone zone in node.Zones)
        {
            CheckFreeLists(node, zone, onList, problems);
            CheckPcpLists(node, zone, onList, problems);
            CheckPageWalk(node, zone, onList, isolatedOrder, problems);
            if (problems.Count >= maxProblems)
            {
                break;
            }
        }

        return problems.Count > maxProblems ? problems.GetRange(0, maxProblems) : problems;
    }

    /// <summary>Throws when <see cref="Check"/> finds a problem.</summary>
    /// <param name="alloc">The allocator.</param>
    /// <param name="context">What just happened, for the message (e.g. "op 1234: free x7").</param>
    /// <param name="isolated">Blocks compaction holds outside the allocator (see <see cref="Check"/>).</param>
    /// <exception cref="InvalidOperationException">An invariant is broken.</exception>
    public static void Verify(PageAllocator alloc, string context, IReadOnlyList<(int Pfn, int Order)>? isolated = null)
    {
        IReadOnlyList<string> problems = Check(alloc, 5, isolated);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"invariant violated after {context}: {string.Join("; ", problems)}");
        }
    }

    private static void CheckFreeLists(PgData node, Zone zone, byte[] onList, List<string> problems)
    {
        long nrFreePages = 0, nrFreeCma = 0, nrFreeBlocks = 0, nrFreeHighatomic = 0;
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            long blocksAtOrder = 0;
            for (int mt = 0; mt < MigrateTypes.Count; mt++)
            {
                long count = WalkList(node, zone, order, (MigrateType)mt, onList, problems);
                blocksAtOrder += count;
                long pages = count << order;
                if (mt != (int)MigrateType.Isolate)
                {
                    nrFreePages += pages;
                    nrFreeBlocks += order >= MmConstants.PageblockOrder ? pages : 0;
                }

                nrFreeCma += mt == (int)MigrateType.Cma ? pages : 0;
                nrFreeHighatomic += mt == (int)MigrateType.HighAtomic ? pages : 0;
                if (zone.NrFreeByType[(order * MigrateTypes.Count) + mt] != count)
                {
                    problems.Add($"zone {zone.Name} order {order} {MigrateTypes.Names[mt]}: per-type count {zone.NrFreeByType[(order * MigrateTypes.Count) + mt]} but list holds {count}");
                }
            }

            if (zone.NrFree[order] != blocksAtOrder)
            {
                problems.Add($"zone {zone.Name} order {order}: nr_free {zone.NrFree[order]} but lists hold {blocksAtOrder}");
            }
        }

        Expect(problems, zone, "nr_free_pages", zone.VmStat[(int)ZoneStatItem.NrFreePages], nrFreePages);
        Expect(problems, zone, "nr_free_cma", zone.VmStat[(int)ZoneStatItem.NrFreeCma], nrFreeCma);
        Expect(problems, zone, "nr_free_pages_blocks", zone.VmStat[(int)ZoneStatItem.NrFreePagesBlocks], nrFreeBlocks);
        Expect(problems, zone, "nr_free_highatomic", zone.NrFreeHighatomic, nrFreeHighatomic);
    }

    private static long WalkList(PgData node, Zone zone, int order, MigrateType mt, byte[] onList, List<string> problems)
    {
        long count = 0;
        int prev = -1;
        long limit = zone.SpannedPages + 1L;
        for (int pfn = zone.FreeListHead(order, mt); pfn >= 0; pfn = node.Pages[pfn].Next)
        {
            if (++count > limit)
            {
                problems.Add($"zone {zone.Name} order {order} {mt}: list does not terminate");
                break;
            }

            ref PageFrame page = ref node.Pages[pfn];
            string where = $"free block pfn 0x{pfn:x} order {order} on {mt} list of {zone.Name}";
            if (page.Prev != prev)
            {
                problems.Add($"{where}: broken back link");
            }

            if (!page.Has(PageFlags.Buddy) || page.Order != order)
            {
                problems.Add($"{where}: page is not a buddy head of that order");
            }

            if ((pfn & ((1 << order) - 1)) != 0 || !zone.SpansPfn(pfn) || !zone.SpansPfn(pfn + (1 << order) - 1))
            {
                problems.Add($"{where}: misaligned or outside the zone");
            }
            else if (node.PageZone(pfn) != zone || node.PageZone(pfn + (1 << order) - 1) != zone
                     || node.PresentPagesIn(pfn, pfn + (1 << order)) != 1 << order)
            {
                // page_is_buddy never merges across a zone edge, and init_unavailable_range keeps holes off the lists.
                problems.Add($"{where}: crosses a zone edge or a memory hole");
            }
            else if (node.PageblockMigratetype(pfn) != mt)
            {
                problems.Add($"{where}: block type is {node.PageblockMigratetype(pfn)} (freelist hygiene)");
            }

            if (onList[pfn]++ != 0)
            {
                problems.Add($"{where}: on more than one list");
            }

            prev = pfn;
        }

        if (zone.FreeListTail(order, mt) != prev)
        {
            problems.Add($"zone {zone.Name} order {order} {mt}: tail pointer is wrong");
        }

        return count;
    }

    private static void CheckPcpLists(PgData node, Zone zone, byte[] onList, List<string> problems)
    {
        PerCpuPages pcp = zone.Pcp;
        long pagesOnLists = 0;
        for (int pindex = 0; pindex < PerCpuPages.NrLists; pindex++)
        {
            int order = PerCpuPages.PindexToOrder(pindex);
            int n = 0;
            for (int pfn = pcp.ListHead[pindex]; pfn >= 0; pfn = node.Pages[pfn].Next)
            {
                if (++n > zone.SpannedPages)
                {
                    problems.Add($"zone {zone.Name} pcp list {pindex} does not terminate");
                    break;
                }

                ref PageFrame page = ref node.Pages[pfn];
                if (!page.Has(PageFlags.Pcp) || page.Order != order || (pfn & ((1 << order) - 1)) != 0)
                {
                    problems.Add($"zone {zone.Name} pcp list {pindex}: pfn 0x{pfn:x} is not a pcp page of order {order}");
                }

                if (onList[pfn]++ != 0)
                {
                    problems.Add($"zone {zone.Name} pcp list {pindex}: pfn 0x{pfn:x} on more than one list");
                }

                pagesOnLists += 1L << order;
            }
        }

        if (pagesOnLists != pcp.Count)
        {
            problems.Add($"zone {zone.Name} pcp: count {pcp.Count} but lists hold {pagesOnLists} pages");
        }
    }

    // Walks the zone by blocks: every page is reserved, a free buddy, a pcp page, part of an
    // allocation, isolated by a compaction scanner or in an offline section; managed pages are
    // conserved; no two free buddies that could merge are left apart.
    private static void CheckPageWalk(PgData node, Zone zone, byte[] onList, Dictionary<int, int> isolatedOrder, List<string> problems)
    {
        long free = 0, pcpPages = 0, allocated = 0, reserved = 0, isolatedByScanner = 0, offline = 0;
        for (int pfn = zone.ZoneStartPfn; pfn < zone.ZoneEndPfn;)
        {
            if (!node.PfnValid(pfn))
            {
                // A section without memory (the PCI hole) has no memory map: nothing to walk.
                pfn = (pfn | (MmConstants.PageblockNrPages - 1)) + 1;
                continue;
            }

            if ((pfn & (MmConstants.PageblockNrPages - 1)) == 0 && !node.PageblockOnline(pfn))
            {
                offline += CheckOfflineBlock(node, zone, pfn, problems);
                pfn += MmConstants.PageblockNrPages;
                continue;
            }

            ref PageFrame page = ref node.Pages[pfn];
            int nr = 1 << page.Order;
            if (page.Has(PageFlags.Reserved) && !node.PfnPresent(pfn) && (page.Flags & (uint)(PageFlags.Buddy | PageFlags.Pcp | PageFlags.Allocated)) != 0)
            {
                problems.Add($"zone {zone.Name}: pfn 0x{pfn:x} is in a memory hole but free or in use");
            }

            if (page.Has(PageFlags.Reserved))
            {
                reserved++;
                pfn++;
                continue;
            }

            if (page.Has(PageFlags.Buddy))
            {
                free += nr;
                if (onList[pfn] != 1)
                {
                    problems.Add($"zone {zone.Name}: buddy pfn 0x{pfn:x} is on no free list");
                }

                CheckUnmerged(node, zone, pfn, page.Order, problems);
            }
            else if (page.Has(PageFlags.Pcp))
            {
                pcpPages += nr;
            }
            else if (page.Has(PageFlags.Allocated))
            {
                allocated += nr;
            }
            else if (isolatedOrder.TryGetValue(pfn, out int isolatedOrderAtPfn))
            {
                nr = 1 << isolatedOrderAtPfn;
                isolatedByScanner += nr;
            }
            else
            {
                problems.Add($"zone {zone.Name}: pfn 0x{pfn:x} is neither free, on a pcp list, allocated nor reserved");
                nr = 1;
            }

            pfn += nr;
            if (problems.Count > 50)
            {
                return;
            }
        }

        long isolatedFree = IsolatedFreePages(zone);
        if (free + pcpPages + allocated + isolatedByScanner != zone.ManagedPages)
        {
            problems.Add($"zone {zone.Name}: free {free} + pcp {pcpPages} + allocated {allocated} + isolated {isolatedByScanner} != managed {zone.ManagedPages}");
        }

        if (free - isolatedFree != zone.VmStat[(int)ZoneStatItem.NrFreePages])
        {
            problems.Add($"zone {zone.Name}: buddy pages {free - isolatedFree} != nr_free_pages {zone.VmStat[(int)ZoneStatItem.NrFreePages]}");
        }

        long holes = zone.SpannedPages - node.PresentPagesIn(zone.ZoneStartPfn, zone.ZoneEndPfn);
        if (zone.PresentPages + offline + holes != zone.SpannedPages)
        {
            problems.Add($"zone {zone.Name}: present {zone.PresentPages} + offline {offline} + holes {holes} != spanned {zone.SpannedPages}");
        }

        CheckStraddlingBlocks(node, zone, problems);

        _ = reserved;
    }

    // A pageblock that straddles this zone's edge is shared with the neighbour: move_freepages_block refuses it
    // (prep_move_freepages_block), so reserve_highatomic_pageblock can never have claimed it.
    private static void CheckStraddlingBlocks(PgData node, Zone zone, List<string> problems)
    {
        if (zone.SpannedPages == 0)
        {
            return;
        }

        foreach (int edge in (ReadOnlySpan<int>)[zone.ZoneStartPfn, zone.ZoneEndPfn - 1])
        {
            int start = edge & ~(MmConstants.PageblockNrPages - 1);
            bool straddles = !zone.SpansPfn(start) || !zone.SpansPfn(start + MmConstants.PageblockNrPages - 1);
            if (straddles && node.PfnValid(edge) && node.PageblockMigratetype(edge) == MigrateType.HighAtomic)
            {
                problems.Add($"zone {zone.Name}: pageblock 0x{start:x} straddles the zone edge but is HIGHATOMIC");
            }
        }
    }

    // Pages of an offline section are neither free nor allocated: __offline_isolated_pages took them
    // off the free lists, so no page of the block may carry buddy, pcp or allocation state.
    private static long CheckOfflineBlock(PgData node, Zone zone, int start, List<string> problems)
    {
        for (int pfn = start; pfn < start + MmConstants.PageblockNrPages; pfn++)
        {
            if ((node.Pages[pfn].Flags & (uint)(PageFlags.Buddy | PageFlags.Pcp | PageFlags.Allocated)) != 0)
            {
                problems.Add($"zone {zone.Name}: pfn 0x{pfn:x} in an offline section is free or in use");
                break;
            }
        }

        return MmConstants.PageblockNrPages;
    }

    private static long IsolatedFreePages(Zone zone)
    {
        long n = 0;
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            n += zone.NrFreeByType[(order * MigrateTypes.Count) + (int)MigrateType.Isolate] << order;
        }

        return n;
    }

    // A free block whose buddy is a free block of the same order must have been merged, unless
    // the pageblock-order merge rule forbids it (HIGHATOMIC, CMA, ISOLATE against another type).
    private static void CheckUnmerged(PgData node, Zone zone, int pfn, int order, List<string> problems)
    {
        if (order >= MmConstants.MaxPageOrder)
        {
            return;
        }

        int buddy = pfn ^ (1 << order);
        if (!zone.SpansPfn(buddy))
        {
            return;
        }

        ref PageFrame b = ref node.Pages[buddy];
        if (!b.Has(PageFlags.Buddy) || b.Order != order)
        {
            return;
        }

        MigrateType mt = node.PageblockMigratetype(pfn);
        MigrateType bmt = node.PageblockMigratetype(buddy);
        bool forbidden = order >= MmConstants.PageblockOrder && mt != bmt &&
                         (!MigrateTypes.IsMergeable(mt) || !MigrateTypes.IsMergeable(bmt));

        // Two isolated pageblocks: isolating the second moved its free block to the ISOLATE list
        // without merging (__move_freepages_block); unset_migratetype_isolate merges them again.
        forbidden |= order >= MmConstants.PageblockOrder && mt == MigrateType.Isolate && bmt == MigrateType.Isolate;
        if (!forbidden)
        {
            problems.Add($"zone {zone.Name}: free buddies 0x{pfn:x} and 0x{buddy:x} of order {order} are not merged");
        }
    }

    private static void Expect(List<string> problems, Zone zone, string what, long counter, long recount)
    {
        if (counter != recount)
        {
            problems.Add($"zone {zone.Name}: {what} is {counter} but a recount gives {recount}");
        }
    }
}
