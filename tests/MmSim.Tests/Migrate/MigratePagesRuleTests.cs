using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Tests.Migrate;

/// <summary>Kernel-rule cases of migrate_pages / migrate_folio_unmap / migrate_folio_move (mm/migrate.c, 6.18).</summary>
public class MigratePagesRuleTests
{
    private const long Ms = SimTime.NsPerMs;

    internal static IEnumerable<Wait> MigrateIn(MigrateFixture f, MigrateList list, MigrateMode mode, MigrateResult result)
    {
        yield return Wait.Call(f.Kernel.Migrate.MigratePages(f.Kernel.Current, list, f.NewFolio, null, mode, MigrateReason.Compaction, result));
    }

    private static IEnumerable<Wait> LockFor(LinuxKernel k, int pfn, long ns)
    {
        yield return Wait.Call(k.FolioWait.FolioLock(pfn));
        yield return Wait.Sleep(ns);
        k.FolioWait.FolioUnlock(pfn);
    }

    private static IEnumerable<Wait> LockAndUnlock(LinuxKernel k, int pfn)
    {
        yield return Wait.Call(k.FolioWait.FolioLock(pfn));
        k.FolioWait.FolioUnlock(pfn);
    }

    [Fact]
    public void A_successful_migration_moves_mapping_rmap_and_page_owner_gfp_and_frees_the_source()
    {
        var f = new MigrateFixture();
        (int src, int index) = f.AddFolio(extra: PageFlags.Dirty | PageFlags.Active);
        f.Pages[src].AllocMt = (byte)MigrateType.Unmovable; // as if page_owner had recorded another gfp
        long pgallocBefore = f.Event(VmEventItem.PgallocNormal);
        MigrateList list = f.Isolate(src);
        Assert.Equal(1, f.NodeStat(NodeStatItem.NrIsolatedAnon));

        var result = new MigrateResult();
        Coroutines.RunInline(f.Kernel.Migrate.MigratePages(f.Kernel.BootContext, list, f.NewFolio, null, MigrateMode.Async, MigrateReason.Compaction, result));

        int dst = f.Anon.Lookup(index);
        Assert.NotEqual(src, dst);
        Assert.Equal((0, 1, 0), (result.Ret, result.NrSucceeded, list.Count));
        Assert.Equal(f.Anon.Id, f.Pages[dst].Owner);
        Assert.Equal(f.Anon, f.Kernel.Rmap.FolioMapping(dst));
        foreach (PageFlags flag in new[] { PageFlags.Lru, PageFlags.Dirty, PageFlags.Active, PageFlags.Mapped, PageFlags.SwapBacked, PageFlags.Uptodate })
        {
            Assert.True(f.Pages[dst].Has(flag), $"destination lacks {flag}");
        }

        Assert.False(f.Pages[dst].Has(PageFlags.Isolated));
        Assert.False(f.Pages[dst].Has(PageFlags.Locked));
        Assert.Equal((byte)MigrateType.Unmovable, f.Pages[dst].AllocMt);
        Assert.False(f.Pages[src].Has(PageFlags.Allocated));
        Assert.Equal(0, f.NodeStat(NodeStatItem.NrIsolatedAnon));
        Assert.Equal((1, 0), (f.Event(VmEventItem.PgmigrateSuccess), f.Event(VmEventItem.PgmigrateFail)));

        // The destination was allocated by the test's get_new_folio (its pgalloc); migration itself counts none.
        Assert.Equal(pgallocBefore + 1, f.Event(VmEventItem.PgallocNormal));
        KernelChecker.Verify(f.Kernel, "migrated");
    }

    [Fact]
    public void ASYNC_on_a_locked_folio_fails_every_pass_without_sleeping()
    {
        var f = new MigrateFixture();
        (int src, _) = f.AddFolio();
        MigrateList list = f.Isolate(src);
        Assert.True(f.Kernel.FolioWait.FolioTrylock(src));

        var result = new MigrateResult();
        Coroutines.RunInline(f.Kernel.Migrate.MigratePages(f.Kernel.BootContext, list, f.NewFolio, null, MigrateMode.Async, MigrateReason.Compaction, result));

        // -EAGAIN on each of NR_MAX_MIGRATE_PAGES_RETRY passes, each with a fresh destination given back.
        Assert.Equal(Migration.NrMaxMigratePagesRetry, f.NewFolioCalls);
        Assert.Equal((1, 0, 1), (result.Ret, result.NrSucceeded, result.NrFailed));
        Assert.Equal([src], [list[0]]);
        Assert.Equal(1, f.Event(VmEventItem.PgmigrateFail));
        f.Kernel.FolioWait.FolioUnlock(src);
        f.Kernel.Migrate.PutbackMovablePages(list);
        Assert.True(f.Pages[src].Has(PageFlags.Lru));
        Assert.False(f.Pages[src].Has(PageFlags.Isolated));
        Assert.Equal(0, f.NodeStat(NodeStatItem.NrIsolatedAnon));
        KernelChecker.Verify(f.Kernel, "put back");
    }

    [Fact]
    public void SYNC_LIGHT_gives_up_on_a_locked_folio_that_is_not_uptodate()
    {
        var f = new MigrateFixture();
        (int src, _) = f.AddFolio();
        f.Pages[src].Clear(PageFlags.Uptodate);
        MigrateList list = f.Isolate(src);
        Assert.True(f.Kernel.FolioWait.FolioTrylock(src));
        var result = new MigrateResult();
        SimTask t = f.Kernel.Sim.Spawn("kcompactd0", MigrateIn(f, list, MigrateMode.SyncLight, result));
        f.Kernel.Sim.Run(10 * Ms);

        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(0, t.SwitchCount);
        Assert.Equal((1, 1), (result.Ret, f.Event(VmEventItem.PgmigrateFail)));

        // NR_MAX_MIGRATE_ASYNC_RETRY ASYNC passes, then NR_MAX_MIGRATE_SYNC_RETRY SYNC_LIGHT passes.
        Assert.Equal(Migration.NrMaxMigratePagesRetry, f.NewFolioCalls);
    }

    [Fact]
    public void SYNC_sleeps_in_folio_lock_until_the_holder_unlocks_then_migrates()
    {
        var f = new MigrateFixture();
        (int src, int index) = f.AddFolio();
        MigrateList list = f.Isolate(src);
        SimTask holder = f.Kernel.Sim.Spawn("holder", LockFor(f.Kernel, src, 5 * Ms));
        var result = new MigrateResult();
        SimTask m = f.Kernel.Sim.Spawn("compact_memory", MigrateIn(f, list, MigrateMode.Sync, result));
        f.Kernel.Sim.Run(1 * Ms);
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioLock), (m.State, m.WaitSite));
        Assert.Same(holder, m.WaitingOn!.Releaser);

        f.Kernel.Sim.Run(20 * Ms);
        Assert.Equal(TaskState.Dead, m.State);
        Assert.Equal((0, 1), (result.Ret, result.NrSucceeded));
        Assert.NotEqual(src, f.Anon.Lookup(index));
        KernelChecker.Verify(f.Kernel, "migrated after the lock");
    }

    [Theory]
    [InlineData(MigrateMode.Async, 1)]
    [InlineData(MigrateMode.SyncLight, 2)]
    public void A_folio_under_writeback_fails_with_EBUSY_outside_SYNC(MigrateMode mode, int destinations)
    {
        var f = new MigrateFixture();
        (int src, _) = f.AddFolio();
        MigrateList list = f.Isolate(src);
        f.Kernel.FolioWait.FolioStartWriteback(src, null);
        var result = new MigrateResult();
        SimTask t = f.Kernel.Sim.Spawn("kcompactd0", MigrateIn(f, list, mode, result));
        f.Kernel.Sim.Run(10 * Ms);

        // -EBUSY is permanent for the call: one attempt per strategy (SYNC_LIGHT: the ASYNC batch, then the
        // one-by-one pass), never a wait; the ASYNC batch's failure is not counted twice.
        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(0, t.SwitchCount);
        Assert.Equal(destinations, f.NewFolioCalls);
        Assert.Equal((1, 1, 0), (result.Ret, f.Event(VmEventItem.PgmigrateFail), f.Event(VmEventItem.PgmigrateSuccess)));
        Assert.False(f.Pages[src].Has(PageFlags.Locked));
        Assert.Equal(src, list[0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SYNC_waits_for_writeback_holding_the_lock_and_a_locker_queues_behind_it(bool reader)
    {
        var f = new MigrateFixture();
        (int src, int index) = f.AddFolio();
        MigrateList list = f.Isolate(src);
        f.Kernel.FolioWait.FolioStartWriteback(src, null);
        var result = new MigrateResult();
        SimTask m = f.Kernel.Sim.Spawn("compact_memory", MigrateIn(f, list, MigrateMode.Sync, result));
        f.Kernel.Sim.Run(1 * Ms);
        SimTask? r = null;
        if (reader)
        {
            // A reader holds a reference while it locks the folio (filemap_get_folio + folio_lock).
            f.Kernel.Refs.AddExtraRefs(src, 1);
            r = f.Kernel.Sim.Spawn("reader", LockAndUnlockHoldingRef(f.Kernel, src));
        }

        f.Kernel.Sim.Run(2 * Ms);
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (m.State, m.WaitSite));
        Assert.Same(m, f.Kernel.FolioWait.LockHolder(src));
        Assert.Equal(2, f.NewFolioCalls); // the ASYNC batch's, then the one held while waiting
        if (r is not null)
        {
            Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioLock), (r.State, r.WaitSite));
            Assert.Same(m, r.WaitingOn!.Releaser);
        }

        f.Kernel.FolioWait.FolioEndWriteback(src);
        f.Kernel.Sim.Run(20 * Ms);
        Assert.Equal(TaskState.Dead, m.State);
        Assert.Equal(TaskState.Dead, r?.State ?? TaskState.Dead);

        // The ASYNC batch's -EBUSY is not counted: only the final outcome is. The reader's reference
        // makes every move pass fail with -EAGAIN once writeback is over.
        Assert.Equal(reader ? (1, 0) : (0, 1), (result.Ret, result.NrSucceeded));
        Assert.Equal(reader ? (0, 1) : (1, 0), (f.Event(VmEventItem.PgmigrateSuccess), f.Event(VmEventItem.PgmigrateFail)));
        Assert.Equal(reader, src == f.Anon.Lookup(index));
        f.Kernel.Migrate.PutbackMovablePages(list);
        KernelChecker.Verify(f.Kernel, "after writeback");
    }

    private static IEnumerable<Wait> LockAndUnlockHoldingRef(LinuxKernel k, int pfn)
    {
        yield return Wait.Call(k.FolioWait.FolioLock(pfn));
        k.FolioWait.FolioUnlock(pfn);
        k.Refs.AddExtraRefs(pfn, -1);
    }

    [Fact]
    public void The_hang_detector_reports_the_chain_when_writeback_never_ends()
    {
        var f = new MigrateFixture();
        (int src, _) = f.AddFolio();
        MigrateList list = f.Isolate(src);
        SimTask? server = null;
        var request = new WaitQueue("fuse request 7") { ReleaserFunc = () => server };
        f.Kernel.FolioWait.FolioStartWriteback(src, request);
        server = f.Kernel.Sim.Spawn("fuse-server", SleepForever());
        var khungtaskd = new HungTaskDetector(f.Kernel.Sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        SimTask m = f.Kernel.Sim.Spawn("offline", MigrateIn(f, list, MigrateMode.Sync, new MigrateResult()));
        f.Kernel.Sim.Run(1 * Ms);
        f.Kernel.Refs.AddExtraRefs(src, 1);
        SimTask reader = f.Kernel.Sim.Spawn("reader", LockAndUnlockHoldingRef(f.Kernel, src));
        f.Kernel.Sim.Run(200 * SimTime.NsPerSec);

        HungTaskReport mr = Assert.Single(khungtaskd.Reports, r => r.Pid == m.Pid);
        HungTaskReport rr = Assert.Single(khungtaskd.Reports, r => r.Pid == reader.Pid);
        Assert.Contains("wchan:folio_wait_writeback", mr.Describe(), StringComparison.Ordinal);
        Assert.Contains($"released by fuse-server:{server.Pid}", mr.Describe(), StringComparison.Ordinal);
        string chain = rr.Describe();
        Assert.Contains("wchan:__folio_lock", chain, StringComparison.Ordinal);
        Assert.Contains($"released by offline:{m.Pid}", chain, StringComparison.Ordinal);
        Assert.Contains($"fuse-server:{server.Pid}", chain, StringComparison.Ordinal);
    }

    private static IEnumerable<Wait> SleepForever()
    {
        yield return Wait.Sleep(long.MaxValue / 4);
    }

    [Theory]
    [InlineData(MigrateMode.Async, false)]
    [InlineData(MigrateMode.Sync, false)]
    [InlineData(MigrateMode.Async, true)]
    [InlineData(MigrateMode.SyncLight, true)]
    [InlineData(MigrateMode.Sync, true)]
    public void An_extra_reference_or_a_pin_fails_every_pass(MigrateMode mode, bool pin)
    {
        var f = new MigrateFixture();
        (int src, int index) = f.AddFolio();
        if (pin)
        {
            f.Kernel.Refs.AddPins(src, 1);
        }
        else
        {
            f.Kernel.Refs.AddExtraRefs(src, 1);
        }

        MigrateList list = f.Isolate(src);
        var result = new MigrateResult();
        long movesBefore = f.Kernel.Migrate.MoveToNewFolioCalls;
        f.Kernel.Sim.Spawn("migrate", MigrateIn(f, list, mode, result));
        f.Kernel.Sim.Run(10 * Ms);

        // __migrate_folio returns -EAGAIN on every pass: 10 in ASYNC; 3 ASYNC + 7 in the synchronous modes.
        Assert.Equal(Migration.NrMaxMigratePagesRetry, f.Kernel.Migrate.MoveToNewFolioCalls - movesBefore);
        Assert.Equal(mode == MigrateMode.Async ? 1 : 2, f.NewFolioCalls);
        Assert.Equal((1, 1), (result.Ret, f.Event(VmEventItem.PgmigrateFail)));
        Assert.Equal(src, f.Anon.Lookup(index));
        Assert.Equal(src, list[0]);
        f.Kernel.Migrate.PutbackMovablePages(list);
        KernelChecker.Verify(f.Kernel, "pinned folio put back");
    }

    [Theory]
    [InlineData(AopsCaps.Writepages, -1)]
    [InlineData(AopsCaps.Writepages | AopsCaps.MigrateFolio, 0)]
    public void A_dirty_folio_of_a_mapping_without_migrate_folio_fails_with_EBUSY(AopsCaps aops, int expectedSlotChange)
    {
        var f = new MigrateFixture();
        SlotMapping file = f.Kernel.Mappings.Register(new SlotMapping("file", 16, MappingKind.File, aops));
        (int src, int index) = f.AddFolio(file, extra: PageFlags.Dirty);
        MigrateList list = f.Isolate(src);
        var result = new MigrateResult();
        f.Kernel.Sim.Spawn("compact_memory", MigrateIn(f, list, MigrateMode.Sync, result));
        f.Kernel.Sim.Run(10 * Ms);

        // fallback_migrate_folio (6.18): "if (folio_test_dirty(src)) return -EBUSY;" — no writeout any more.
        bool moved = file.Lookup(index) != src;
        Assert.Equal(expectedSlotChange == 0, moved);
        Assert.Equal(moved ? 0 : 1, result.Ret);
        Assert.Equal(moved ? 0 : 1, f.Event(VmEventItem.PgmigrateFail));
        if (moved)
        {
            Assert.True(f.Pages[file.Lookup(index)].Has(PageFlags.Dirty));
        }
    }

    [Fact]
    public void A_clean_folio_of_a_mapping_without_migrate_folio_migrates_through_the_fallback()
    {
        var f = new MigrateFixture();
        SlotMapping file = f.Kernel.Mappings.Register(new SlotMapping("file", 16, MappingKind.File, AopsCaps.Writepages));
        (int src, int index) = f.AddFolio(file, extra: PageFlags.Private);
        MigrateList list = f.Isolate(src);
        var result = new MigrateResult();
        Coroutines.RunInline(f.Kernel.Migrate.MigratePages(f.Kernel.BootContext, list, f.NewFolio, null, MigrateMode.Async, MigrateReason.Compaction, result));
        Assert.Equal((0, 1), (result.Ret, result.NrSucceeded));
        Assert.NotEqual(src, file.Lookup(index));
        Assert.False(f.Pages[file.Lookup(index)].Has(PageFlags.Private)); // filemap_release_folio dropped it
        KernelChecker.Verify(f.Kernel, "fallback");
    }
}
