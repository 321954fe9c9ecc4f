using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Tests.Compaction;

/// <summary>
/// An anonymous folio under (swap) writeback that never ends: direct compaction and kcompactd (MIGRATE_SYNC_LIGHT, and
/// ISOLATE_ASYNC_MIGRATE at isolation) never wait on it; compact_memory (MIGRATE_SYNC) sleeps in
/// folio_wait_writeback in D, and the hung-task detector reports it with the chain to the writeback's owner.
/// </summary>
public class WritebackTests
{
    private const long Sec = SimTime.NsPerSec;

    [Theory]
    [InlineData(CompactPriority.Async)]
    [InlineData(CompactPriority.SyncLight)]
    [InlineData(CompactPriority.SyncFull)]
    public void Direct_compaction_never_waits_on_a_folio_under_never_ending_writeback(CompactPriority prio)
    {
        (CompactionRig rig, int pfn, _) = WithStuckFolio();
        DeferralAndResultTests.Direct(rig, prio);
        Assert.True(rig.Pages[pfn].Has(PageFlags.Writeback) && rig.Pages[pfn].Has(PageFlags.Lru), "the folio stays where it is");
        rig.Verify("direct compaction");
    }

    [Fact]
    public void Kcompactd_never_waits_on_a_folio_under_never_ending_writeback()
    {
        (CompactionRig rig, int pfn, _) = WithStuckFolio();
        var cc = new CompactControl
        {
            Zone = rig.Zone,
            Order = 9,
            SearchOrder = 9,
            HighestZoneidx = (int)ZoneType.Normal,
            Mode = MigrateMode.SyncLight,
            GfpMask = GfpFlags.Kernel,
            AllocFlags = AllocFlags.WmarkMin,
        };
        SimTask t = rig.RunTask("kcompactd0", rig.Compact.CompactZone(rig.Kernel.Alloc, cc));
        Assert.Equal(TaskState.Dead, t.State);
        Assert.True(rig.Pages[pfn].Has(PageFlags.Writeback));
        rig.Verify("kcompactd");
    }

    [Fact]
    public void Compact_memory_hangs_in_D_on_it_and_the_hung_task_report_names_the_writeback_owner()
    {
        (CompactionRig rig, int pfn, SimTask owner) = WithStuckFolio();
        var khungtaskd = new HungTaskDetector(rig.Kernel.Sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        SimTask sh = rig.Kernel.Sim.Spawn("sh", rig.Kernel.CompactMemory());
        rig.Kernel.Sim.Run(rig.Kernel.Sim.Now + (200 * Sec));
        Assert.Equal((TaskState.Uninterruptible, "folio_wait_writeback"), (sh.State, sh.WaitSite));
        HungTaskReport report = Assert.Single(khungtaskd.Reports, r => r.Pid == sh.Pid);
        string chain = report.Chain.Describe();
        Assert.Contains($"0x{pfn:x}", chain, StringComparison.Ordinal);
        Assert.Contains($"{owner.Comm}:{owner.Pid}", chain, StringComparison.Ordinal);
        rig.Verify("compact_memory hung");
    }

    // Punched memory whose lowest folio (the first the migrate scanner meets) is under writeback that only
    // "fuse-server" could end, and never does.
    private static (CompactionRig Rig, int Pfn, SimTask Owner) WithStuckFolio()
    {
        CompactionRig rig = DeferralAndResultTests.Punched();
        int pfn = Enumerable.Range(rig.Zone.ZoneStartPfn, rig.Zone.SpannedPages).First(p => rig.Pages[p].Has(PageFlags.Lru));
        SimTask owner = rig.Kernel.Sim.Spawn("fuse-server", SleepForever(new WaitQueue("fuse request")));
        var request = new WaitQueue("fuse writeback request") { ReleaserFunc = () => owner };
        rig.Kernel.FolioWait.FolioStartWriteback(pfn, request);
        return (rig, pfn, owner);
    }

    private static IEnumerable<Wait> SleepForever(WaitQueue q)
    {
        yield return Wait.On(q, TaskState.Interruptible, "fuse_dev_do_read");
    }
}
