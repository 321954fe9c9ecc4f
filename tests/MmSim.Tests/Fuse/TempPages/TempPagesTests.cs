using MmSim.Fs.Fuse;
using MmSim.Mm;
using MmSim.Mm.Migrate;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmstat;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.Fuse.TempPages;

/// <summary>
/// Kernel rules of 6.15's temp pages (fs/fuse/file.c before 6.16) and of the temp-pages-pool design: where the
/// copies come from, what they count in, when the page-cache folio's writeback ends, who waits on what.
/// </summary>
public class TempPagesTests
{
    private const long Ms = TempPagesRig.Ms;

    [Fact]
    public void A_copy_is_an_unmovable_order0_page_not_charged_to_the_writers_memcg()
    {
        var rig = new TempPagesRig();
        ushort memcg = rig.Kernel.Memcg.Create("writers").Id;
        rig.Sim.Spawn("writer", rig.Dirty(0, 8));
        rig.Run(10 * Ms);
        SimTask wb = rig.Sim.Spawn("kworker", InMemcg(rig, memcg, rig.Writeback(0, 8)));
        rig.Run(20 * Ms);

        Assert.Equal(TaskState.Dead, wb.State);
        List<int> temps = rig.TempPagePfns();
        Assert.Equal(8, temps.Count);
        foreach (int pfn in temps)
        {
            Assert.Equal(0, rig.Kernel.Node.Pages[pfn].Order);
            Assert.Equal(0, rig.Kernel.Node.FolioMemcg[pfn]);
            Assert.Equal(MigrateType.Unmovable, rig.Kernel.Node.PageblockMigratetype(pfn));
        }

        // The server never answered, yet the page-cache folios are clean and no longer under writeback.
        for (long i = 0; i < 8; i++)
        {
            int pfn = rig.File.Lookup(i);
            Assert.False(rig.Kernel.Node.Pages[pfn].Has(PageFlags.Writeback));
            Assert.False(rig.Kernel.Node.Pages[pfn].Has(PageFlags.Dirty));
        }

        Assert.Equal(0, rig.Kernel.Node.VmStat[(int)NodeStatItem.NrWriteback]);
        Assert.Equal(8, rig.Kernel.Node.NrWritebackTemp);
        Assert.Equal(8, rig.Wb.Stat(WbStatItem.Writeback));
        Assert.Equal(8 * FuseTempPages.CopyPageNs, rig.Copies.CopyNs);
        rig.Verify("copies in flight");
    }

    [Fact]
    public void Temp_pages_claim_movable_pageblocks_which_stay_unmovable_after_the_server_answers()
    {
        var rig = new TempPagesRig();
        int before = rig.UnmovableBlocks();
        rig.Sim.Spawn("writer", rig.Dirty(0, 1536));
        rig.Run(50 * Ms);
        rig.Sim.Spawn("kworker", rig.Writeback(0, 1536));
        rig.Run(100 * Ms);

        List<int> temps = rig.TempPagePfns();
        Assert.Equal(1536, temps.Count);
        Assert.All(temps, pfn => Assert.Equal(MigrateType.Unmovable, rig.Kernel.Node.PageblockMigratetype(pfn)));
        int during = rig.UnmovableBlocks();
        Assert.True(during >= before + 2, $"unmovable pageblocks {before} → {during} for 1536 temp pages");

        rig.StartServer(100_000);
        rig.Run(2000 * Ms);
        Assert.Equal(0, rig.Kernel.Node.NrWritebackTemp);
        Assert.Empty(rig.TempPagePfns());
        Assert.Equal(during, rig.UnmovableBlocks());
        rig.Verify("after the server answered");
    }

    [Fact]
    public void Nr_writeback_temp_rises_by_the_pages_in_flight_and_returns_to_zero_after_the_server_resumes()
    {
        var rig = new TempPagesRig();
        rig.StartServer(100_000, stallAtNs: 0, resumeAtNs: 2000 * Ms);
        rig.Sim.Spawn("writer", rig.Dirty(0, 100));
        rig.Run(10 * Ms);
        rig.Sim.Spawn("kworker", rig.Writeback(0, 100));
        rig.Run(1000 * Ms);

        Assert.Equal(100, rig.Kernel.Node.NrWritebackTemp);
        Assert.Equal(0, rig.Kernel.Node.VmStat[(int)NodeStatItem.NrWriteback]);
        WritebackSysctl dirty = new();
        Assert.Contains("\nnr_writeback\u00200\nnr_writeback_temp 100\nnr_shmem ", ProcVmstat.Render(rig.Kernel.Node, dirty, "6.15"), StringComparison.Ordinal);
        Assert.DoesNotContain("nr_writeback_temp", ProcVmstat.Render(rig.Kernel.Node, dirty, "6.18"), StringComparison.Ordinal);
        Assert.Equal("WritebackTmp:        400 kB\n", ProcVmstat.MeminfoWritebackTmp(rig.Kernel.Node, "6.15"));
        Assert.Equal("WritebackTmp:          0 kB\n", ProcVmstat.MeminfoWritebackTmp(rig.Kernel.Node, "6.18"));
        rig.Verify("stalled");

        rig.Run(3000 * Ms);
        Assert.Equal(0, rig.Kernel.Node.NrWritebackTemp);
        Assert.Equal(0, rig.Wb.Stat(WbStatItem.Writeback));
        Assert.Contains("\nnr_writeback_temp 0\n", ProcVmstat.Render(rig.Kernel.Node, dirty, "6.16"), StringComparison.Ordinal);
        rig.Verify("resumed");
    }

    [Theory]
    [InlineData("6.12", true)]
    [InlineData("6.15", true)]
    [InlineData("6.16", true)]
    [InlineData("6.17", false)]
    [InlineData("6.18", false)]
    public void Nr_writeback_temp_is_printed_until_its_removal_in_6_17(string release, bool printed)
    {
        Assert.Equal(printed, ProcVmstat.HasNrWritebackTemp(release));
    }

    [Fact]
    public void Readers_writers_and_fsync_wait_by_index_on_the_files_page_waitq_until_the_server_answers()
    {
        var rig = new TempPagesRig();
        SimTask server = rig.StartServer(100_000, stallAtNs: 0, resumeAtNs: 2000 * Ms);
        rig.Sim.Spawn("writer", rig.Dirty(0, 4));
        rig.Run(10 * Ms);
        rig.Sim.Spawn("kworker", rig.Writeback(0, 4));
        rig.Run(20 * Ms);
        SimTask page = rig.Sim.Spawn("mkwrite", rig.Copies.WaitOnPageWriteback(rig.File, 2));
        SimTask other = rig.Sim.Spawn("read", rig.Copies.WaitOnPageWriteback(rig.File, 100));
        SimTask fsync = rig.Sim.Spawn("fsync", rig.Copies.SyncWrites(rig.File));
        rig.Run(1000 * Ms);

        Assert.Equal(TaskState.Dead, other.State); // index 100 has no copy in flight
        Assert.Equal(TaskState.Uninterruptible, page.State);
        Assert.Equal(FuseTempPages.SiteWaitOnPageWriteback, page.WaitSite);
        Assert.Same(server, page.WaitingOn!.Releaser);
        Assert.Equal(TaskState.Uninterruptible, fsync.State);
        Assert.Equal(FuseTempPages.SiteSyncWrites, fsync.WaitSite);
        Assert.Same(server, fsync.WaitingOn!.Releaser);

        // The folio itself is not under writeback: folio_wait_writeback would not have waited.
        Assert.False(rig.Kernel.Node.Pages[rig.File.Lookup(2)].Has(PageFlags.Writeback));

        rig.Run(3000 * Ms);
        Assert.Equal(TaskState.Dead, page.State);
        Assert.Equal(TaskState.Dead, fsync.State);
    }

    [Fact]
    public void A_folio_whose_copy_is_in_flight_migrates_at_once_with_MIGRATE_SYNC_while_the_server_is_stalled()
    {
        var rig = new TempPagesRig();
        rig.StartServer(100_000, stallAtNs: 0);
        rig.Sim.Spawn("writer", rig.Dirty(0, 4));
        rig.Run(10 * Ms);
        rig.Sim.Spawn("kworker", rig.Writeback(0, 4));
        rig.Run(20 * Ms);
        int src = rig.File.Lookup(1);
        Assert.True(rig.Copies.PageIsWriteback(rig.File, 1));

        var result = new MigrateResult();
        long started = -1;
        long ended = -1;
        rig.Sim.Spawn("cma", Migrate(rig, src, result, t => started = t, t => ended = t));
        rig.Run(100 * Ms);

        Assert.Equal(1, result.NrSucceeded);
        Assert.True(ended >= 0 && ended - started < Ms, $"MIGRATE_SYNC took {ended - started} ns");
        Assert.NotEqual(src, rig.File.Lookup(1));
        Assert.Equal(1, rig.Copies.FoliosMigratedWithCopyInFlight);
        Assert.Equal(1, rig.Copies.Stats.FoliosMigratedWithCopyInFlight);

        // The copy is still in flight, and writers still wait for it by index.
        Assert.Equal(4, rig.Copies.NrTempPages);
        Assert.True(rig.Copies.PageIsWriteback(rig.File, 1));
        rig.Verify("migrated with a copy in flight");
    }

    [Fact]
    public void Pool_writeback_blocks_on_an_exhausted_pool_until_the_server_frees_a_copy_then_proceeds()
    {
        var rig = new TempPagesRig(FuseWritebackMode.TempPool, poolPages: 512);
        SimTask server = rig.StartServer(100_000, stallAtNs: 0, resumeAtNs: 2000 * Ms);
        rig.Sim.Spawn("writer", rig.Dirty(0, 1024));
        rig.Run(50 * Ms);
        SimTask kworker = rig.Sim.Spawn("kworker", rig.Writeback(0, 1024));
        rig.Run(1000 * Ms);

        Assert.Equal(TaskState.Uninterruptible, kworker.State);
        Assert.Equal(FuseTempPool.SiteTempPoolWait, kworker.WaitSite);
        Assert.Same(server, kworker.WaitingOn!.Releaser);
        Assert.Equal(512, rig.Copies.NrTempPages);
        Assert.Equal(0, rig.Copies.Pool!.NrFree);
        Assert.Empty(rig.TempPagePfns()); // nothing came from the buddy allocator
        rig.Verify("pool exhausted");

        rig.Run(4000 * Ms);
        Assert.Equal(TaskState.Dead, kworker.State);
        Assert.Equal(0, rig.Copies.NrTempPages);
        Assert.Equal(512, rig.Copies.Pool.NrFree);
        Assert.True(rig.Copies.PoolWaits > 0);
        Assert.Equal(0, rig.File.NrDirty);
        rig.Verify("pool drained");
    }

    [Fact]
    public void Pool_unmovable_pageblocks_do_not_grow_past_the_pool()
    {
        var rig = new TempPagesRig(FuseWritebackMode.TempPool, poolPages: 1024);
        int atMount = rig.UnmovableBlocks();
        FuseTempPool pool = rig.Copies.Pool!;
        Assert.Equal(0, pool.Start % MmConstants.PageblockNrPages);
        for (int pfn = pool.Start; pfn < pool.Start + pool.Size; pfn += MmConstants.PageblockNrPages)
        {
            Assert.Equal(MigrateType.Unmovable, rig.Kernel.Node.PageblockMigratetype(pfn));
        }

        rig.StartServer(200_000);
        rig.StartServer(200_000, name: "server2");
        rig.Sim.Spawn("writer", rig.Dirty(0, 3000));
        rig.Run(100 * Ms);
        rig.Sim.Spawn("kworker", rig.Writeback(0, 3000));
        for (long t = 100 * Ms; t <= 3000 * Ms; t += 100 * Ms)
        {
            rig.Run(t);
            Assert.Empty(rig.TempPagePfns());
            Assert.Equal(atMount, rig.UnmovableBlocks());
        }

        Assert.Equal(3000, rig.Copies.Copies);
        Assert.Equal(0, rig.Copies.NrTempPages);
    }

    [Fact]
    public void Copying_costs_cpu_time_per_page_in_the_writeback_task()
    {
        var rig = new TempPagesRig();
        rig.Sim.Spawn("writer", rig.Dirty(0, 1000));
        rig.Run(50 * Ms);
        long t0 = rig.Sim.Now;
        long t1 = -1;
        rig.Sim.Spawn("kworker", Timed(rig.Writeback(0, 1000), rig, t => t1 = t));
        rig.Run(200 * Ms);

        Assert.True(t1 - t0 >= 1000 * FuseTempPages.CopyPageNs, $"writeback of 1000 pages took {t1 - t0} ns");
        Assert.Equal(1000 * FuseTempPages.CopyPageNs, rig.Copies.CopyNs);
    }

    private static IEnumerable<Wait> InMemcg(TempPagesRig rig, ushort memcg, IEnumerable<Wait> body)
    {
        rig.Kernel.Current.MemcgId = memcg;
        yield return Wait.Call(body);
    }

    private static IEnumerable<Wait> Timed(IEnumerable<Wait> body, TempPagesRig rig, Action<long> done)
    {
        yield return Wait.Call(body);
        done(rig.Sim.Now);
    }

    private static IEnumerable<Wait> Migrate(TempPagesRig rig, int src, MigrateResult result, Action<long> start, Action<long> end)
    {
        start(rig.Sim.Now);
        Assert.True(rig.Kernel.Migrate.FolioIsolateLru(src));
        var list = new MigrateList();
        list.Add(src);
        yield return Wait.Call(rig.Kernel.Migrate.MigratePages(rig.Kernel.Current, list,
            (_, order) => rig.Kernel.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.File), null, MigrateMode.Sync, MigrateReason.ContigRange, result));
        end(rig.Sim.Now);
    }
}
