using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.MemoryHotplug;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;
using static MmSim.Tests.Contig.ContigRig;

namespace MmSim.Tests.Contig;

/// <summary>offline_pages and online_pages on memory blocks: ok, ebusy, hung, retrying, interrupted, timeout.</summary>
public class OfflineTests(ITestOutputHelper output)
{
    private const long Sec = SimTime.NsPerSec;

    // Block 0 is DMA32, blocks 1 and 2 are Normal.
    private const int Block = 2;
    private const int Start = Block * BlockPages;
    private const int End = Start + BlockPages;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_block_of_free_and_movable_pages_goes_offline_and_comes_back_online(bool isolateBit)
    {
        LinuxKernel k = Boot(isolateBit);
        int folio = FilePageIn(k, Start, End);
        Zone zone = k.Node.Zones[(int)ZoneType.Normal];
        (long managed, long present) = (zone.ManagedPages, zone.PresentPages);
        var attempt = new OfflineAttempt();
        Spawn(k, "sh", _ => k.OfflineMemoryBlock(Block, attempt));
        k.Sim.Run(Sec);

        Assert.Equal(OfflineOutcome.Ok, attempt.Outcome);
        Assert.Equal((0, ""), (attempt.Ret, attempt.Reason));
        Assert.True(attempt.EndNs >= attempt.StartNs && attempt.Passes >= 1);
        Assert.Equal(MemoryBlockState.Offline, k.Hotplug.Blocks.State(Block));
        Assert.Same(attempt, Assert.Single(k.OfflineAttempts));
        Assert.Empty(OwnedIn(k, Start, End, OwnerKind.File));
        Assert.True(k.Node.VmEvents[(int)VmEventItem.PgmigrateSuccess] >= 1);
        Assert.Equal((managed - BlockPages, present - BlockPages), (zone.ManagedPages, zone.PresentPages));
        Assert.False(k.Node.PageblockOnline(Start));
        Assert.Equal(0, zone.NrIsolatePageblock);
        KernelChecker.Verify(k, "offline");
        _ = folio;
        long free = zone.VmStat[(int)ZoneStatItem.NrFreePages];

        Assert.True(k.OnlineMemoryBlock(Block));
        Assert.False(k.OnlineMemoryBlock(Block));
        Assert.Equal((managed, present), (zone.ManagedPages, zone.PresentPages));
        Assert.Equal(free + BlockPages, zone.VmStat[(int)ZoneStatItem.NrFreePages]);
        for (int pfn = Start; pfn < End; pfn += Pb)
        {
            Assert.Equal(MigrateType.Movable, k.Node.PageblockMigratetype(pfn));
            Assert.Equal(MigrateType.Movable, k.Node.PageblockMigratetypeBits(pfn));
        }

        Assert.Equal(0, zone.NrIsolatePageblock);
        KernelChecker.Verify(k, "online");
    }

    [Fact]
    public void A_block_full_of_page_cache_is_offlined_by_migrating_every_folio_out()
    {
        LinuxKernel k = Boot(normalBlocks: 3);
        Mm.Filemap.CachedFile file = k.PageCache.Open("big", 3 * BlockPages);
        var stats = new AllocTally();
        int inBlock = 0;
        for (long i = 0; inBlock < BlockPages / 2; i++)
        {
            Coroutines.RunInline(k.PageCache.Read(file, i, stats));
            inBlock += file.Pfn[i] >= Start && file.Pfn[i] < End ? 1 : 0;
        }

        int folios = OwnedIn(k, Start, End, OwnerKind.File).Count;
        long migrated = k.Node.VmEvents[(int)VmEventItem.PgmigrateSuccess];
        var attempt = new OfflineAttempt();
        Spawn(k, "sh", _ => k.OfflineMemoryBlock(Block, attempt));
        k.Sim.Run(10 * Sec);

        Assert.Equal(OfflineOutcome.Ok, attempt.Outcome);
        Assert.Equal(folios, k.Node.VmEvents[(int)VmEventItem.PgmigrateSuccess] - migrated);

        // Each folio costs migration's copy (1 µs) at least.
        Assert.True(attempt.LatencyNs(k.Sim.Now) >= folios * Migration.CopyNsPerPage);
        output.WriteLine($"{folios} folios migrated, {attempt.Passes} passes, {attempt.LatencyNs(k.Sim.Now) / 1000} µs simulated");
        KernelChecker.Verify(k, "offline of a full block");
    }

    [Fact]
    public void An_unmovable_page_fails_the_isolation_with_EBUSY_and_nothing_is_migrated()
    {
        LinuxKernel k = Boot();
        int kernel = AllocIn(k, GfpFlags.Kernel, Start, End);
        var attempt = new OfflineAttempt();
        Spawn(k, "sh", _ => k.OfflineMemoryBlock(Block, attempt));
        k.Sim.Run(Sec);

        Assert.Equal(OfflineOutcome.Ebusy, attempt.Outcome);
        Assert.Equal((-Errno.EBUSY, "failure to isolate range", kernel), (attempt.Ret, attempt.Reason, attempt.UnmovablePfn));
        Assert.Equal(0, attempt.Passes);
        Assert.Equal(MemoryBlockState.Online, k.Hotplug.Blocks.State(Block));
        for (int pfn = Start; pfn < End; pfn += Pb)
        {
            Assert.False(k.Node.PageblockIsolated(pfn));
        }

        Assert.Equal(0, k.Node.Zones[(int)ZoneType.Normal].Pcp.DisableDepth);
        KernelChecker.Verify(k, "offline ebusy");
    }

    [Fact]
    public void A_folio_under_never_ending_writeback_hangs_offlining_in_D_and_a_signal_does_not_end_it()
    {
        LinuxKernel k = Boot();
        var khungtaskd = new HungTaskDetector(k.Sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        int folio = FilePageIn(k, Start, End);
        SimTask server = Sleeper(k, "fuse-server");
        StartWriteback(k, folio, server);
        var attempt = new OfflineAttempt();
        SimTask sh = Spawn(k, "sh", _ => k.OfflineMemoryBlock(Block, attempt));
        k.Sim.Schedule(10 * Sec, () => k.ContextOf(sh).SendSignal(TaskContext.SigTerm));
        k.Sim.Run(200 * Sec);

        // `timeout 10 sh -c 'echo offline > state'`: the TERM is pending, the writer sleeps on in D.
        Assert.Equal(OfflineOutcome.Hung, attempt.Outcome);
        Assert.Equal(-1, attempt.EndNs);
        Assert.Equal((TaskState.Uninterruptible, "folio_wait_writeback"), (sh.State, sh.WaitSite));
        Assert.True(k.ContextOf(sh).SignalPending);
        Assert.Equal(200 * Sec, attempt.LatencyNs(k.Sim.Now) + attempt.StartNs);
        HungTaskReport report = khungtaskd.Reports.First(r => r.Pid == sh.Pid);
        Assert.Equal(server.Pid, report.Chain.Links[^1].Pid);

        // Once writeback ends the migration completes, and the next pass sees the signal.
        k.FolioWait.FolioEndWriteback(folio);
        k.Sim.Run(201 * Sec);
        Assert.Equal(OfflineOutcome.Interrupted, attempt.Outcome);
        Assert.Equal((-Errno.EINTR, "signal backoff"), (attempt.Ret, attempt.Reason));
        Assert.Equal(MemoryBlockState.Online, k.Hotplug.Blocks.State(Block));
        KernelChecker.Verify(k, "offline interrupted after the hang");
    }

    [Fact]
    public void Offlining_over_writeback_succeeds_once_the_writeback_ends()
    {
        LinuxKernel k = Boot();
        int folio = FilePageIn(k, Start, End);
        StartWriteback(k, folio, Sleeper(k, "fuse-server"));
        var attempt = new OfflineAttempt();
        Spawn(k, "sh", _ => k.OfflineMemoryBlock(Block, attempt));
        k.Sim.Schedule(50 * Sec, () => k.FolioWait.FolioEndWriteback(folio));
        k.Sim.Run(60 * Sec);

        Assert.Equal(OfflineOutcome.Ok, attempt.Outcome);
        Assert.True(attempt.LatencyNs(k.Sim.Now) >= 50 * Sec);
        KernelChecker.Verify(k, "offline after writeback");
    }

    [Fact]
    public void Migration_failures_never_end_offlining_it_loops_in_R_until_a_signal_backs_it_off()
    {
        LinuxKernel k = Boot();
        int folio = FilePageIn(k, Start, End);
        k.Refs.AddExtraRefs(folio, 1);
        var attempt = new OfflineAttempt();
        SimTask sh = Spawn(k, "sh", _ => k.OfflineMemoryBlock(Block, attempt));
        k.Sim.Run(5 * Sec);

        Assert.Equal(OfflineOutcome.Retrying, attempt.Outcome);
        Assert.NotEqual(TaskState.Uninterruptible, sh.State);
        int passes = attempt.Passes;
        Assert.True(passes > 1000, $"{passes} passes in 5 s");
        Assert.Equal(MemoryBlockState.GoingOffline, k.Hotplug.Blocks.State(Block));

        k.Sim.Schedule(0, () => k.ContextOf(sh).SendSignal(TaskContext.SigTerm));
        k.Sim.Run(6 * Sec);
        Assert.Equal(OfflineOutcome.Interrupted, attempt.Outcome);
        Assert.Equal((-Errno.EINTR, "signal backoff"), (attempt.Ret, attempt.Reason));
        Assert.InRange(attempt.EndNs, 5 * Sec, (5 * Sec) + MemoryOffline.PassCostNs + (BlockPages * MemoryOffline.WalkNsPerPage) + SimTime.NsPerMs);
        Assert.Equal(MemoryBlockState.Online, k.Hotplug.Blocks.State(Block));
        Assert.True(k.Node.Pages[folio].Has(PageFlags.Lru));
        k.Refs.AddExtraRefs(folio, -1);
        KernelChecker.Verify(k, "offline interrupted");
    }

    [Fact]
    public void The_proposed_timeout_ends_a_retrying_offline_with_ETIMEDOUT_but_not_a_hung_one()
    {
        LinuxKernel k = Boot(offlineTimeoutNs: MemoryOffline.DefaultOfflineTimeoutNs);
        int pinned = FilePageIn(k, Start, End);
        k.Refs.AddExtraRefs(pinned, 1);
        var retrying = new OfflineAttempt();
        Spawn(k, "sh", _ => k.OfflineMemoryBlock(Block, retrying));
        k.Sim.Run(60 * Sec);

        Assert.Equal(OfflineOutcome.Timeout, retrying.Outcome);
        Assert.Equal((-Errno.ETIMEDOUT, "timeout"), (retrying.Ret, retrying.Reason));
        Assert.InRange(retrying.LatencyNs(k.Sim.Now), 30 * Sec, (30 * Sec) + SimTime.NsPerMs);
        k.Refs.AddExtraRefs(pinned, -1);
        KernelChecker.Verify(k, "offline timeout");

        // A task asleep in folio_wait_writeback never reaches the check.
        StartWriteback(k, pinned, Sleeper(k, "fuse-server"));
        var hung = new OfflineAttempt();
        Spawn(k, "sh2", _ => k.OfflineMemoryBlock(Block, hung));
        k.Sim.Run(200 * Sec);
        Assert.Equal(OfflineOutcome.Hung, hung.Outcome);
    }

    [Fact]
    public void A_block_that_spans_two_zones_or_a_hole_is_refused_with_EINVAL()
    {
        LinuxKernel k = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Dma32, BlockPages / 2, 0, Pb), new ZoneSpec(ZoneType.Normal, BlockPages + (BlockPages / 2))], []),
            new KernelParams { Alloc = new PageAllocOptions(), Compact = _ => Mm.Compaction.Impl.NoCompaction.Instance, Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance },
            1);
        var attempt = new OfflineAttempt();
        Spawn(k, "sh", _ => k.OfflineMemoryBlock(0, attempt));
        k.Sim.Run(Sec);
        Assert.Equal((OfflineOutcome.Ebusy, -22, "multizone range"), (attempt.Outcome, attempt.Ret, attempt.Reason));
    }
}
