using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Contig;
using MmSim.Mm.Filemap;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using static MmSim.Tests.WritebackDesigns.DesignRig;

namespace MmSim.Tests.WritebackDesigns;

/// <summary>
/// How long each MIGRATE_SYNC user takes to give up on one folio stuck under writeback under wait-timeout
/// (docs/designs.md, "Give-up times"): migrate_pages meets the folio once per call (a timed-out folio fails
/// with -EBUSY, a permanent failure, so migrate_pages_batch does not retry it), and the caller's retry rule
/// multiplies T: alloc_contig_range 5 calls, cma_alloc 5 per candidate range holding the folio, compact_memory 1.
/// Each is measured against the same run under skip-sync-migration, whose control flow is the same with no wait.
/// </summary>
public class GiveUpTimeTests
{
    private const long T = 10 * Ms;

    [Fact]
    public void Alloc_contig_range_gives_up_with_ebusy_after_five_timeouts()
    {
        (long skipNs, int skipRet, _) = AllocContigRange(MigrateWritebackMode.SkipFlagged);
        (long timeoutNs, int ret, MigrateWritebackStats stats) = AllocContigRange(MigrateWritebackMode.Timeout);
        Assert.Equal((-Errno.EBUSY, -Errno.EBUSY), (skipRet, ret));
        Assert.Equal(skipNs + (ContigAlloc.MaxTriesPerBatch * T), timeoutNs);
        Assert.Equal(ContigAlloc.MaxTriesPerBatch, stats.Timeouts);
        Assert.Equal(0, stats.FalseAborts);
    }

    [Fact]
    public void Cma_alloc_of_one_candidate_range_fails_after_five_timeouts()
    {
        (long skipNs, int skipPfn, _) = CmaAlloc(MigrateWritebackMode.SkipFlagged, CmaPages, 0);
        (long timeoutNs, int pfn, MigrateWritebackStats stats) = CmaAlloc(MigrateWritebackMode.Timeout, CmaPages, 0);
        Assert.Equal((-1, -1), (skipPfn, pfn));
        Assert.Equal(skipNs + (ContigAlloc.MaxTriesPerBatch * T), timeoutNs);
        Assert.Equal(ContigAlloc.MaxTriesPerBatch, stats.Timeouts);
    }

    // cma_range_alloc retries "with a bit different memory target", start = bitmap_no + mask + 1: with align a
    // (mask 2^a - 1) and a count larger than the folio's offset o in the area, every window starting at a multiple
    // of 2^a up to o holds it (floor(o / 2^a) + 1 of them); the next one succeeds.
    [Fact]
    public void Cma_alloc_pays_five_timeouts_for_every_candidate_range_that_holds_the_folio()
    {
        const int align = MmConstants.PageblockOrder;
        LinuxKernel probe = Boot(Design(MigrateWritebackMode.Timeout, T), cmaPages: CmaPages);
        int offset = FileFolioIn(probe, BlockPages, BlockPages + FolioRange).Pfn - BlockPages;
        int count = offset + 1;
        int windows = (offset >> align) + 1;

        (long skipNs, int skipPfn, _) = CmaAlloc(MigrateWritebackMode.SkipFlagged, count, align);
        (long timeoutNs, int pfn, MigrateWritebackStats stats) = CmaAlloc(MigrateWritebackMode.Timeout, count, align);
        Assert.Equal((BlockPages + (windows << align), BlockPages + (windows << align)), (skipPfn, pfn));
        Assert.Equal(skipNs + (windows * ContigAlloc.MaxTriesPerBatch * T), timeoutNs);
        Assert.Equal(windows * ContigAlloc.MaxTriesPerBatch, stats.Timeouts);
        Assert.True(windows >= 1);
    }

    [Fact]
    public void Compact_memory_meets_the_folio_once_and_waits_one_timeout()
    {
        (long skipNs, _) = CompactMemory(MigrateWritebackMode.SkipFlagged);
        (long timeoutNs, MigrateWritebackStats stats) = CompactMemory(MigrateWritebackMode.Timeout);
        Assert.Equal(skipNs + T, timeoutNs);
        Assert.Equal(1, stats.Timeouts);
    }

    [Fact]
    public void A_timeout_is_a_false_abort_when_the_writeback_then_ends_normally_and_not_when_the_owner_forgets_it()
    {
        foreach (bool forget in new[] { false, true })
        {
            LinuxKernel k = Boot(Design(MigrateWritebackMode.Timeout, T));
            (CachedFile file, int folio) = FileFolioIn(k, BlockPages, 2 * BlockPages);
            Stick(k, file, folio, Sleeper(k));
            int start = folio & ~(Pb - 1);
            var result = new ContigResult();
            Spawn(k, "contig", ctx => k.Contig.AllocContigRange(ctx, start, start + Pb, cma: false, GfpFlags.Kernel, OwnerKind.Contig, result));
            k.Sim.Run(Sec);
            MigrateWritebackStats stats = k.Migrate.WritebackStats;
            Assert.Equal((5L, 0L, 1), (stats.Timeouts, stats.FalseAborts, stats.Pending));
            if (forget)
            {
                stats.ForgetAbort(folio);
            }

            k.PageCache.FolioEndWriteback(folio);
            Assert.Equal((forget ? 0L : 1L, 0), (stats.FalseAbortTimeouts, stats.Pending));
            KernelChecker.Verify(k, "after the false abort");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cancel_writeback_lets_cma_alloc_succeed_about_T_after_it_starts_except_for_a_spliced_folio(bool spliced)
    {
        LinuxKernel k = Boot(Design(MigrateWritebackMode.Cancel, T), cmaPages: CmaPages);
        (CachedFile file, int folio) = FileFolioIn(k, BlockPages, BlockPages + FolioRange);
        var owner = new FakeOwner(k, file) { Spliced = spliced };
        Stick(k, file, folio, Sleeper(k), flagged: true, owner);
        long index = k.Node.FolioIndex[folio];
        (SimTask task, long[] end) = Spawn(k, "dma", _ => k.CmaAlloc("cma0", CmaPages, 0));
        k.Sim.Run(100 * Sec);
        MigrateWritebackStats stats = k.Migrate.WritebackStats;
        if (spliced)
        {
            Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback, -1L), (task.State, task.WaitSite, task.WaitDeadlineNs));
            Assert.Equal((0L, 1L), (stats.Cancels, stats.CancelsRefused));
            return;
        }

        // The same cma_alloc with the folio never under writeback: the cancel adds T and the redirtied folio's move.
        LinuxKernel plain = Boot(Design(MigrateWritebackMode.Cancel, T), cmaPages: CmaPages);
        FileFolioIn(plain, BlockPages, BlockPages + FolioRange);
        (_, long[] plainEnd) = Spawn(plain, "dma", _ => plain.CmaAlloc("cma0", CmaPages, 0));
        plain.Sim.Run(100 * Sec);

        Assert.Equal(TaskState.Dead, task.State);
        Assert.Equal(BlockPages, k.ContextOf(task).AllocResult);
        Assert.InRange(end[0] - plainEnd[0], T, T + Ms);
        Assert.Equal((1L, 0L, 1), (stats.Cancels, stats.CancelsRefused, stats.Pending));

        // The folio was redirtied (the flusher has written it since) and moved out of the area: the server answering its old request later makes the cancel a false abort.
        int moved = file.Pfn[index];
        Assert.True(moved >= 0 && moved != folio, $"folio 0x{folio:x} now 0x{moved:x}");
        Assert.False(stats.CancelledWritebackWouldHaveEnded(folio, file.Id, index + 1));
        Assert.True(stats.CancelledWritebackWouldHaveEnded(folio, file.Id, index));
        Assert.Equal((1L, 0), (stats.FalseAbortCancels, stats.Pending));
        KernelChecker.Verify(k, "cma_alloc after a cancel");
    }

    [Fact]
    public void Skip_sync_compaction_skips_the_folio_in_compact_memory_only_and_cma_alloc_still_hangs()
    {
        (long skipNs, _) = CompactMemory(MigrateWritebackMode.SkipFlagged);
        (long ns, MigrateWritebackStats stats) = CompactMemory(MigrateWritebackMode.SkipCompaction);
        Assert.Equal(skipNs, ns);
        Assert.Equal(0, stats.Timeouts);

        LinuxKernel k = Boot(Design(MigrateWritebackMode.SkipCompaction, T), cmaPages: CmaPages);
        (CachedFile file, int folio) = FileFolioIn(k, BlockPages, BlockPages + FolioRange);
        Stick(k, file, folio, Sleeper(k));
        (SimTask task, _) = Spawn(k, "dma", _ => k.CmaAlloc("cma0", CmaPages, 0));
        k.Sim.Run(100 * Sec);
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback, -1L), (task.State, task.WaitSite, task.WaitDeadlineNs));
    }

    private const int CmaPages = 48 * Pb;

    // The folio goes in the area's first half, so a window past it still fits in the area.
    private const int FolioRange = (CmaPages / 2) - Pb;

    private static (long Ns, int Ret, MigrateWritebackStats Stats) AllocContigRange(MigrateWritebackMode mode)
    {
        LinuxKernel k = Boot(Design(mode, T));
        (CachedFile file, int folio) = FileFolioIn(k, BlockPages, 2 * BlockPages);
        Stick(k, file, folio, Sleeper(k));
        int start = folio & ~(Pb - 1);
        var result = new ContigResult();
        long t0 = k.Sim.Now;
        (SimTask task, long[] end) = Spawn(k, "contig", ctx => k.Contig.AllocContigRange(ctx, start, start + Pb, cma: false, GfpFlags.Kernel, OwnerKind.Contig, result));
        k.Sim.Run(10 * Sec);
        Assert.Equal(TaskState.Dead, task.State);
        KernelChecker.Verify(k, $"alloc_contig_range under {mode}");
        return (end[0] - t0, result.Ret, k.Migrate.WritebackStats);
    }

    private static (long Ns, int Pfn, MigrateWritebackStats Stats) CmaAlloc(MigrateWritebackMode mode, long count, int align)
    {
        LinuxKernel k = Boot(Design(mode, T), cmaPages: CmaPages);
        (CachedFile file, int folio) = FileFolioIn(k, BlockPages, BlockPages + FolioRange);
        Stick(k, file, folio, Sleeper(k));
        long t0 = k.Sim.Now;
        (SimTask task, long[] end) = Spawn(k, "dma", _ => k.CmaAlloc("cma0", count, align));
        k.Sim.Run(1000 * Sec);
        Assert.Equal(TaskState.Dead, task.State);
        KernelChecker.Verify(k, $"cma_alloc under {mode}");
        return (end[0] - t0, k.ContextOf(task).AllocResult, k.Migrate.WritebackStats);
    }

    // Punched memory (every other page free) whose lowest LRU folio, the first the migrate scanner meets, is stuck
    // under writeback in a flagged mapping.
    private static (long Ns, MigrateWritebackStats Stats) CompactMemory(MigrateWritebackMode mode)
    {
        Compaction.CompactionRig rig = Compaction.DeferralAndResultTests.Punched(Design(mode, T));
        LinuxKernel k = rig.Kernel;
        int folio = Enumerable.Range(rig.Zone.ZoneStartPfn, rig.Zone.SpannedPages).First(p => rig.Pages[p].Has(PageFlags.Lru));
        k.Rmap.FolioMapping(folio)!.Flags |= Mm.Folio.AsFlags.WritebackMayDeadlockOnReclaim;
        k.FolioWait.FolioStartWriteback(folio, new WaitQueue("fuse writeback request") { Releaser = Sleeper(k) });
        long t0 = k.Sim.Now;
        (SimTask task, long[] end) = Spawn(k, "compact", _ => k.CompactMemory());
        k.Sim.Run(k.Sim.Now + (100 * Sec));
        Assert.Equal(TaskState.Dead, task.State);
        Assert.True(rig.Pages[folio].Has(PageFlags.Writeback) && rig.Pages[folio].Has(PageFlags.Lru), "the folio stays where it is");
        rig.Verify($"compact_memory under {mode}");
        return (end[0] - t0, k.Migrate.WritebackStats);
    }
}
