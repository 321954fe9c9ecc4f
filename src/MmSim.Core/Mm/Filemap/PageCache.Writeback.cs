// Folio writeback states (mm/page-writeback.c): dirtying with its accounting, clearing the dirty
// bit for I/O, starting and ending writeback. The flusher (MmSim.Fs), fsync and sync drive them;
// the scripted `writeback` step still calls StartWriteback/EndWriteback by index.
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    // Sparse per-folio state: when each folio under writeback started it (keyed, never iterated).
    private readonly Dictionary<int, long> writebackStartNs = [];

    /// <summary>The dirty throttle (set by the kernel; null: writes are never throttled).</summary>
    public DirtyThrottle? Throttle { get; set; }

    /// <summary>The wb of files on the default mount.</summary>
    public BdiWriteback? DefaultWb { get; set; }

    /// <summary>Folio lock and writeback waits (set by the kernel).</summary>
    public FolioWait? Folios { get; set; }

    /// <summary>Folio references (set by the kernel): a writer pins a folio while it sleeps for its lock.</summary>
    public Rmap.FolioRefs? Refs { get; set; }

    /// <summary>acct_reclaim_writeback, set by reclaim; called by every folio_end_writeback.</summary>
    public IReclaimWritebackAcct? ReclaimWritebackAcct { get; set; }

    /// <summary>The engine's clock (set by the kernel).</summary>
    public Func<long> Now { get; set; } = static () => 0;

    /// <summary>inode_to_wb.</summary>
    /// <param name="file">A file.</param>
    /// <returns>Its wb, or null when no writeback model is wired.</returns>
    public BdiWriteback? WbOf(CachedFile file) => file.Wb ?? DefaultWb;

    private static int FolioPages(in PageFrame page) => 1 << page.Order;

    /// <summary>
    /// folio_mark_dirty → filemap_dirty_folio: sets PG_dirty and, for a folio that was clean,
    /// folio_account_dirtied (NR_FILE_DIRTY, NR_DIRTIED, NR_ZONE_WRITE_PENDING, WB_RECLAIMABLE,
    /// WB_DIRTIED, current->nr_dirtied) and __mark_inode_dirty(I_DIRTY_PAGES). tmpfs folios only get
    /// the bit (noop_dirty_folio).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="pfn">Head PFN of one of its folios.</param>
    /// <returns>True when the folio was clean.</returns>
    public bool FolioMarkDirty(CachedFile file, int pfn)
    {
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        if (page.Has(PageFlags.Dirty))
        {
            return false;
        }

        page.Set(PageFlags.Dirty);
        if (file.IsShmem)
        {
            return true;
        }

        int nr = FolioPages(page);
        file.NrDirty += nr;
        alloc.Node.ModNodePageState(NodeStatItem.NrDirty, nr);
        alloc.Node.ModNodePageState(NodeStatItem.NrDirtied, nr);
        alloc.Node.PageZone(pfn).ModZonePageState(ZoneStatItem.NrZoneWritePending, nr);
        if (WbOf(file) is { } wb)
        {
            wb.ModStat(WbStatItem.Reclaimable, nr);
            wb.ModStat(WbStatItem.Dirtied, nr);
            MarkInodeDirty(file, wb);
        }

        pa.Current.NrDirtied += nr;
        return true;
    }

    /// <summary>
    /// folio_clear_dirty_for_io: clears PG_dirty of a locked folio before its I/O and, if it was dirty,
    /// undoes the dirty accounting (NR_FILE_DIRTY, NR_ZONE_WRITE_PENDING, WB_RECLAIMABLE).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>True when it was dirty.</returns>
    public bool FolioClearDirtyForIo(CachedFile file, int pfn)
    {
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        if (!page.Has(PageFlags.Dirty))
        {
            return false;
        }

        page.Clear(PageFlags.Dirty);
        if (!file.IsShmem)
        {
            AccountCleaned(file, pfn, FolioPages(page));
        }

        return true;
    }

    /// <summary>
    /// __folio_start_writeback: PG_writeback with what will end it, NR_WRITEBACK, NR_ZONE_WRITE_PENDING,
    /// WB_WRITEBACK; the start time for the lifetime histogram.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="pfn">Head PFN of a locked folio not under writeback.</param>
    /// <param name="ender">The device queue or request that ends it.</param>
    public void FolioStartWriteback(CachedFile file, int pfn, IWaitTarget? ender)
    {
        Folios!.FolioStartWriteback(pfn, ender);
        int nr = FolioPages(alloc.Node.Pages[pfn]);
        file.NrWriteback += nr;
        alloc.Node.ModNodePageState(NodeStatItem.NrWriteback, nr);
        alloc.Node.PageZone(pfn).ModZonePageState(ZoneStatItem.NrZoneWritePending, nr);
        if (WbOf(file) is { } wb && wb.Bdi.WritebackAcct)
        {
            // Only with BDI_CAP_WRITEBACK_ACCT: FUSE before 6.18 cleared it and kept WB_WRITEBACK itself (temp pages).
            wb.ModStat(WbStatItem.Writeback, nr);
        }

        writebackStartNs[pfn] = Now();
    }

    /// <summary>
    /// folio_end_writeback: a PG_reclaim folio loses the bit and rotates to the inactive tail
    /// (folio_rotate_reclaimable); __folio_end_writeback undoes the writeback accounting and counts
    /// NR_WRITTEN, WB_WRITTEN and the wb's writeout completion; PG_writeback clears and its waiters wake;
    /// then acct_reclaim_writeback.
    /// </summary>
    /// <param name="pfn">Head PFN of a page-cache folio under writeback.</param>
    public void FolioEndWriteback(int pfn)
    {
        var file = (CachedFile)mappings[alloc.Node.Pages[pfn].Owner];
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        int nr = FolioPages(page);
        if (page.Has(PageFlags.Reclaim))
        {
            page.Clear(PageFlags.Reclaim);
            lru.FolioRotateReclaimable(pfn);
        }

        file.NrWriteback -= nr;
        alloc.Node.ModNodePageState(NodeStatItem.NrWriteback, -nr);
        alloc.Node.PageZone(pfn).ModZonePageState(ZoneStatItem.NrZoneWritePending, -nr);
        alloc.Node.ModNodePageState(NodeStatItem.NrWritten, nr);
        if (WbOf(file) is { } wb)
        {
            if (wb.Bdi.WritebackAcct)
            {
                wb.ModStat(WbStatItem.Writeback, -nr);
                wb.ModStat(WbStatItem.Written, nr);
                Throttle?.WritebackCompleted(wb, nr);
            }

            if (writebackStartNs.Remove(pfn, out long started))
            {
                wb.Lifetimes.Add(Now() - started);
            }
        }
        else
        {
            writebackStartNs.Remove(pfn);
        }

        Folios!.FolioEndWriteback(pfn);
        ReclaimWritebackAcct?.AcctReclaimWriteback(pfn, nr);
    }

    /// <summary>
    /// The scripted step's start of writeback of the folio at <paramref name="index"/>, which the caller
    /// has locked: folio_clear_dirty_for_io then __folio_start_writeback.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index of a cached folio.</param>
    /// <param name="folioWait">The folio bit waits (records the ender).</param>
    /// <param name="ender">What will end the writeback; its releaser is named in wait chains.</param>
    public void StartWriteback(CachedFile file, long index, FolioWait folioWait, IWaitTarget ender)
    {
        ArgumentNullException.ThrowIfNull(folioWait);
        Folios ??= folioWait;
        int pfn = FolioHead(file.Pfn[index]);
        FolioClearDirtyForIo(file, pfn);
        FolioStartWriteback(file, pfn, ender);
    }

    /// <summary>The scripted step's folio_end_writeback of the folio at <paramref name="index"/>.</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index of a folio under writeback.</param>
    /// <param name="folioWait">The folio bit waits.</param>
    public void EndWriteback(CachedFile file, long index, FolioWait folioWait)
    {
        ArgumentNullException.ThrowIfNull(folioWait);
        Folios ??= folioWait;
        FolioEndWriteback(FolioHead(file.Pfn[index]));
    }

    /// <summary>
    /// Checks that the dirty and writeback counts equal the flags: per file, per node, per wb.
    /// </summary>
    /// <returns>The first violation, or null.</returns>
    public string? VerifyWritebackCounts()
    {
        long dirty = 0;
        long writeback = 0;
        var wbs = new List<(BdiWriteback Wb, long Dirty, long Writeback)>();
        foreach (CachedFile file in files)
        {
            long fd = 0;
            long fw = 0;
            int[] slots = file.Pfn;
            for (long i = 0; i < slots.Length; i++)
            {
                int pfn = slots[i];

                // A large folio's slots hold head + i; its state is the head's and counts for the whole folio.
                if (pfn < 0 || !alloc.Node.Pages[pfn].Has(PageFlags.Allocated) || alloc.Node.Pages[pfn].Owner != file.Id)
                {
                    continue;
                }

                ref PageFrame page = ref alloc.Node.Pages[pfn];
                int nr = FolioPages(page);
                if (page.Has(PageFlags.Dirty))
                {
                    fd += nr;
                }

                if (page.Has(PageFlags.Writeback))
                {
                    fw += nr;
                }
            }

            if (file.IsShmem)
            {
                continue;
            }

            if (fd != file.NrDirty || fw != file.NrWriteback)
            {
                return $"{file.Name}: {fd} dirty and {fw} writeback pages by the flags, counted {file.NrDirty} and {file.NrWriteback}";
            }

            if (file.NrDirty > 0 && file.DirtiedWhenNs < 0)
            {
                return $"{file.Name}: dirty pages but the inode is clean";
            }

            dirty += fd;
            writeback += fw;
            if (WbOf(file) is { } wb)
            {
                int k = wbs.FindIndex(e => ReferenceEquals(e.Wb, wb));
                if (k < 0)
                {
                    wbs.Add((wb, fd, fw));
                }
                else
                {
                    wbs[k] = (wb, wbs[k].Dirty + fd, wbs[k].Writeback + fw);
                }
            }
        }

        foreach ((BdiWriteback wb, long d, long w) in wbs)
        {
            // Without BDI_CAP_WRITEBACK_ACCT the filesystem keeps WB_WRITEBACK (FUSE temp pages check their own share).
            if (wb.Stat(WbStatItem.Reclaimable) != d || (wb.Bdi.WritebackAcct && wb.Stat(WbStatItem.Writeback) != w))
            {
                return $"{wb}: WB_RECLAIMABLE {wb.Stat(WbStatItem.Reclaimable)} and WB_WRITEBACK {wb.Stat(WbStatItem.Writeback)}, flags say {d} and {w}";
            }
        }

        // The scripted step and tests may put folios of no cached file under writeback: only file pages, and the
        // swap cache's folios that swap_writeout put under writeback (they count in NR_WRITEBACK too), are compared.
        writeback += SwapCacheWritebackPages();
        if (alloc.Node.VmStat[(int)NodeStatItem.NrDirty] != dirty)
        {
            return $"nr_dirty {alloc.Node.VmStat[(int)NodeStatItem.NrDirty]}, dirty file pages {dirty}";
        }

        return alloc.Node.VmStat[(int)NodeStatItem.NrWriteback] != writeback
            ? $"nr_writeback {alloc.Node.VmStat[(int)NodeStatItem.NrWriteback]}, file pages under writeback {writeback}"
            : null;
    }

    // Pages of swap-cache folios under writeback (anonymous folios being written to swap).
    private long SwapCacheWritebackPages()
    {
        PageFrame[] pages = alloc.Node.Pages;
        long nr = 0;
        for (int pfn = 0; pfn < pages.Length; pfn += pages[pfn].Has(PageFlags.Allocated) ? FolioPages(pages[pfn]) : 1)
        {
            if (pages[pfn].Has(PageFlags.Allocated) && pages[pfn].Has(PageFlags.SwapCache) && pages[pfn].Has(PageFlags.Writeback))
            {
                nr += FolioPages(pages[pfn]);
            }
        }

        return nr;
    }

    // folio_account_cleaned / the clean half of folio_clear_dirty_for_io.
    private void AccountCleaned(CachedFile file, int pfn, int nr)
    {
        file.NrDirty -= nr;
        alloc.Node.ModNodePageState(NodeStatItem.NrDirty, -nr);
        alloc.Node.PageZone(pfn).ModZonePageState(ZoneStatItem.NrZoneWritePending, -nr);
        if (WbOf(file) is { } wb)
        {
            wb.ModStat(WbStatItem.Reclaimable, -nr);
        }
    }

    // __mark_inode_dirty(I_DIRTY_PAGES): a clean inode gets dirtied_when = now and moves to the head of b_dirty.
    private void MarkInodeDirty(CachedFile file, BdiWriteback wb)
    {
        if (file.DirtiedWhenNs >= 0)
        {
            return;
        }

        file.DirtiedWhenNs = Now();
        wb.BDirty.Insert(0, file);
        wb.Worker?.InodeDirtied();
    }

    /// <summary>inode_io_list_del when the inode has no dirty pages left (after its writeback pass, or truncate).</summary>
    /// <param name="file">The file.</param>
    public void InodeCleanIfNoDirty(CachedFile file)
    {
        if (file.NrDirty != 0 || file.DirtiedWhenNs < 0)
        {
            return;
        }

        file.DirtiedWhenNs = -1;
        WbOf(file)?.BDirty.Remove(file);
    }
}
