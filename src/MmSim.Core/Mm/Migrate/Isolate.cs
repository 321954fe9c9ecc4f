// Taking folios off their LRU (or from their movable-ops owner) for migration, and the part of
// isolate_migratepages_block that decides from the folio's state whether it may be taken. The
// scanners (compaction, alloc_contig_range, offlining) walk PFNs themselves and call in here.
using MmSim.Mm.Folio;

namespace MmSim.Mm.Migrate;

public sealed partial class Migration
{
    /// <summary>
    /// Whether an isolating scanner may take the folio at <paramref name="pfn"/> under
    /// <paramref name="mode"/>, as far as unevictability, mapping, writeback and dirtiness go (the checks of
    /// isolate_migratepages_block after the LRU and pin checks). The writeback and dirty rule is
    /// <see cref="WritebackPolicy"/>'s.
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <param name="mode">The scanner's isolate mode.</param>
    /// <returns>True if the folio may be isolated.</returns>
    /// <remarks>mm/compaction.c: isolate_migratepages_block ("if (!(mode &amp; ISOLATE_UNEVICTABLE) &amp;&amp;
    /// is_unevictable)", "ISOLATE_ASYNC_MIGRATE &amp;&amp; folio_test_writeback", the migrate_dirty test).</remarks>
    public bool MayIsolate(int pfn, IsolateMode mode)
    {
        ref PageFrame page = ref pages[pfn];
        if ((mode & IsolateMode.Unevictable) == 0 && page.Has(PageFlags.Unevictable))
        {
            return false;
        }

        if ((mode & IsolateMode.Unmapped) != 0 && page.Has(PageFlags.Mapped))
        {
            return false;
        }

        return WritebackPolicy.MayIsolate((PageFlags)page.Flags, FolioMapping(pfn), mode);
    }

    /// <summary>
    /// isolate_migratepages_block's racy pinned check, for every scanner that isolates for migration
    /// (compaction, alloc_contig_range): a folio outside the page cache (anonymous) with more references
    /// than mappings is pinned or otherwise held, so migration would fail; it is not isolated at all.
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <returns>True to leave the folio where it is.</returns>
    /// <remarks>mm/compaction.c: "if (!mapping &amp;&amp; (folio_ref_count(folio) - 1) &gt; folio_mapcount(folio))";
    /// mmsim's count has no scanner reference to discount.</remarks>
    public bool AnonFolioPinned(int pfn)
    {
        bool pageCache = FolioMapping(pfn) is { Kind: MappingKind.File or MappingKind.Shmem };
        return !pageCache && refs.RefCount(pfn) > refs.Mapcount(pfn);
    }

    /// <summary>
    /// Takes a folio off its LRU for migration (folio_isolate_lru, and the caller's
    /// node_stat_mod_folio(NR_ISOLATED_ANON + folio_is_file_lru)): clears PG_lru, marks it isolated.
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <returns>False if it was not on an LRU (someone else isolated it, or it is not an LRU folio).</returns>
    /// <remarks>mm/vmscan.c: folio_isolate_lru. The isolation's folio reference is the isolated state
    /// itself: an isolated folio whose owner let go of it is freed by whoever holds it isolated.</remarks>
    public bool FolioIsolateLru(int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        if (!page.Has(PageFlags.Allocated) || !page.Has(PageFlags.Lru))
        {
            return false;
        }

        lru.LruvecDelFolio(pfn);
        page.Set(PageFlags.Isolated);
        ModIsolated(pfn, 1 << page.Order);
        return true;
    }

    /// <summary>Isolates a movable-ops page (isolate_movable_ops_page): fails if it is locked or isolated already.</summary>
    /// <param name="pfn">PFN of a page with PG_movable_ops.</param>
    /// <param name="mode">The scanner's isolate mode (the owner's isolate_page may look at it; none here does).</param>
    /// <returns>False if it cannot be isolated now.</returns>
    /// <remarks>mm/migrate.c: isolate_movable_ops_page. The folio_trylock/folio_unlock pair around the
    /// check is reduced to "not locked now": nothing can run between them in the simulator.</remarks>
    public bool IsolateMovableOpsPage(int pfn, IsolateMode mode)
    {
        _ = mode;
        ref PageFrame page = ref pages[pfn];
        if (!page.Has(PageFlags.Allocated) || !page.Has(PageFlags.MovableOps) || page.Has(PageFlags.Locked) || page.Has(PageFlags.Isolated))
        {
            return false;
        }

        page.Set(PageFlags.Isolated);
        return true;
    }

    /// <summary>
    /// Returns every folio of <paramref name="list"/> to its LRU or movable-ops owner
    /// (putback_movable_pages) and empties it. A folio whose owner let go of it while it was isolated
    /// is freed here, as the isolation's folio_put frees it in the kernel.
    /// </summary>
    /// <param name="list">Isolated folios.</param>
    /// <remarks>mm/migrate.c: putback_movable_pages, putback_movable_ops_page; mm/vmscan.c: folio_putback_lru.</remarks>
    public void PutbackMovablePages(MigrateList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        for (int i = 0; i < list.Count; i++)
        {
            int pfn = list[i];
            ref PageFrame page = ref pages[pfn];
            VmBug.VmBugOnPage(!page.Has(PageFlags.Isolated), pages, pfn, "putback_movable_pages: folio not isolated");
            if (page.Has(PageFlags.MovableOps))
            {
                page.Clear(PageFlags.Isolated);
                continue;
            }

            ModIsolated(pfn, -(1 << page.Order));
            FolioPutbackLru(pfn);
        }

        list.Clear();
    }

    /// <summary>
    /// The owner's release of a folio it holds in a mapping (folio_put of its last reference after
    /// unmapping it): unmaps and frees it, or, when the folio is isolated for migration, only unmaps it and
    /// leaves the isolator's reference to free it (migrate_pages or putback).
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio in a mapping with a forward map.</param>
    /// <remarks>mm/swap.c: folio_put; mm/migrate.c: migrate_pages_batch ("the folio was freed from under us").</remarks>
    public void FolioPutMapped(int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        rmap.Unmap(pfn);
        if (page.Has(PageFlags.Isolated))
        {
            return;
        }

        lru.FolioPutLru(pfn);
        alloc.FreePages(pfn, page.Order);
    }

    // folio_putback_lru: folio_add_lru, then folio_put of the isolation's reference, the last one when
    // the owner let go meanwhile (no mapping, no page table, no other reference).
    private void FolioPutbackLru(int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        page.Clear(PageFlags.Isolated);
        if (OnlyIsolationRef(pfn))
        {
            alloc.FreePages(pfn, page.Order);
            return;
        }

        lru.FolioAddLru(pfn);
    }

    // folio_ref_count(folio) == 1 for an isolated folio: nothing but the isolation holds it.
    private bool OnlyIsolationRef(int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        return page.Owner == 0 && !page.Has(PageFlags.Mapped) && refs.ExtraRefs(pfn) == 0 && refs.Pins(pfn) == 0;
    }

    /// <summary>
    /// Checks that every allocated folio migration may move can be found again after it moves: a folio
    /// on an LRU, or isolated while its owner still holds it, is in a mapping with a forward map (whose
    /// slots Rmap.Verify checks point back); an isolated folio is off its LRU. O(pages).
    /// </summary>
    /// <returns>A description of the first violation, or null.</returns>
    public string? VerifyMovable()
    {
        for (int pfn = 0; pfn < pages.Length; pfn += 1 << (pages[pfn].Has(PageFlags.Allocated) ? pages[pfn].Order : 0))
        {
            ref PageFrame page = ref pages[pfn];
            if (!page.Has(PageFlags.Allocated) || page.Has(PageFlags.MovableOps))
            {
                continue;
            }

            bool lru = page.Has(PageFlags.Lru);
            bool isolated = page.Has(PageFlags.Isolated);
            if (lru && isolated)
            {
                return $"pfn 0x{pfn:x} is on an LRU and isolated at once";
            }

            if ((lru || (isolated && !OnlyIsolationRef(pfn))) && FolioMapping(pfn)?.Slots is null)
            {
                return $"pfn 0x{pfn:x} is {(lru ? "on an LRU" : "isolated")} but in no mapping with a forward map: a migration could not repoint its owner";
            }
        }

        return null;
    }
}
