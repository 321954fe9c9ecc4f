using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Stat;
using MmSim.Sim;
using MmSim.Tests.Workloads;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Steps;

/// <summary>The scripted writeback step: folios under writeback until a time or forever, ended by a named task.</summary>
public class WritebackStepTests
{
    private const long Ms = 1_000_000;
    private const long S = 1_000_000_000;

    private static TimedHarness Start(string until, string sysctl = "", ulong seed = 1) => TimedHarness.Start(
        TimedHarness.Machine("256MiB") + sysctl + "workloads:\n  - type: steps\n    steps:\n"
        + $"      - {{ at: 1s, do: writeback, file: f1, size: 4MiB, until: {until}, owner: flusher }}\n", seed);

    private static CachedFile File(TimedHarness h) => Assert.Single(h.Kernel.PageCache.Files);

    [Fact]
    public void The_folios_are_under_writeback_from_at_until_until_and_then_written()
    {
        TimedHarness h = Start("30s");
        h.RunUntil(1 * S - 1);
        Assert.Empty(h.Kernel.PageCache.Files);
        h.RunUntil(1 * S);
        CachedFile f = File(h);
        Assert.Equal(1024, f.NrCached);
        Assert.All(f.Pfn, pfn => Assert.Equal(
            (true, false, false),
            (h.Alloc.Node.Pages[pfn].Has(PageFlags.Writeback), h.Alloc.Node.Pages[pfn].Has(PageFlags.Dirty), h.Alloc.Node.Pages[pfn].Has(PageFlags.Locked))));
        Assert.Equal((1024, 0, 0), (h.VmStat(NodeStatItem.NrWriteback), h.VmStat(NodeStatItem.NrDirty), h.VmStat(NodeStatItem.NrWritten)));
        Assert.Equal(1024, h.Alloc.Node.Zones.Sum(z => z.VmStat[(int)ZoneStatItem.NrZoneWritePending]));

        // Every folio names the owner task as the one that ends its writeback.
        SimTask owner = Assert.Single(h.Sim.Tasks, t => t.Comm == "flusher");
        Assert.All(f.Pfn, pfn => Assert.Same(owner, h.Kernel.FolioWait.WritebackEnder(pfn)!.Releaser));
        h.Verify("under writeback");

        h.RunUntil(30 * S - 1);
        Assert.Equal(1024, h.VmStat(NodeStatItem.NrWriteback));
        h.RunUntil(30 * S);
        Assert.All(f.Pfn, pfn => Assert.False(h.Alloc.Node.Pages[pfn].Has(PageFlags.Writeback)));
        Assert.Equal((0, 1024), (h.VmStat(NodeStatItem.NrWriteback), h.VmStat(NodeStatItem.NrWritten)));
        Assert.Equal(0, h.Alloc.Node.Zones.Sum(z => z.VmStat[(int)ZoneStatItem.NrZoneWritePending]));
        WorkloadStats stats = h.Workloads[0].Stats;
        Assert.Equal((1024, 1024), (stats.Metric(WritebackStep.Folios), stats.Metric(WritebackStep.Ended)));
        StepOutcome o = Assert.Single(stats.Outcomes);
        Assert.Equal(("writeback", "ok", 1024L, 1 * S), (o.Action, o.Result, o.Value, o.EndNs));
        h.Verify("written back");

        // Clean again: drop_caches can now take them.
        Assert.Equal(1024, h.Kernel.DropCaches(1));
    }

    [Fact]
    public void Folio_wait_writeback_sleeps_in_D_until_the_owner_ends_the_writeback()
    {
        TimedHarness h = Start("30s");
        h.RunUntil(2 * S);
        int pfn = File(h).Pfn[17];
        long woke = -1;
        SimTask waiter = h.Sim.Spawn("migrator", Waiter());
        h.RunUntil(3 * S);
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (waiter.State, waiter.WaitSite));
        h.RunUntil(40 * S);
        Assert.Equal(30 * S, woke);
        h.Verify("waiter woke");

        IEnumerable<Wait> Waiter()
        {
            yield return Wait.Call(h.Kernel.FolioWait.FolioWaitWriteback(pfn));
            woke = h.Sim.Now;
        }
    }

    [Fact]
    public void Never_ending_writeback_makes_a_waiter_hang_and_the_report_names_the_owner()
    {
        TimedHarness h = Start("never", "sysctl:\n  hung_task_timeout_secs: 10\n");
        h.Kernel.StartDaemons();
        h.RunUntil(2 * S);
        int pfn = File(h).Pfn[0];
        SimTask waiter = h.Sim.Spawn("migrator", h.Kernel.FolioWait.FolioWaitWriteback(pfn));
        h.RunUntil(60 * S);
        Assert.Equal(TaskState.Uninterruptible, waiter.State);
        HungTaskReport report = Assert.Single(h.Kernel.Daemons!.Khungtaskd.Reports, r => r.Pid == waiter.Pid);
        SimTask owner = Assert.Single(h.Sim.Tasks, t => t.Comm == "flusher");
        Assert.Equal((owner.Pid, "flusher"), (report.Chain.Links[0].ReleaserPid, report.Chain.Links[0].ReleaserComm));
        Assert.Contains($"flusher:{owner.Pid}", report.Describe(), StringComparison.Ordinal);
        Assert.Equal(1024, h.VmStat(NodeStatItem.NrWriteback));
        Assert.Equal(0, h.Workloads[0].Stats.Metric(WritebackStep.Ended));
        h.Verify("never");
    }

    [Fact]
    public void Invariants_hold_after_every_event_while_files_are_written_back_and_dropped()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            TimedHarness h = TimedHarness.Start(
                TimedHarness.Machine("64MiB") + "workloads:\n"
                + "  - type: pagecache\n    files:\n      - { name: f1, size: 8MiB }\n    write_rate: 20000/s\n    read_rate: 20000/s\n    pattern: random\n"
                + "  - type: steps\n    steps:\n"
                + "      - { at: 50ms, do: writeback, file: f1, size: 2MiB, until: 150ms, owner: flusher }\n"
                + "      - { at: 100ms, do: drop_caches, value: 1 }\n"
                + "      - { at: 200ms, do: writeback, file: f1, size: 4MiB, until: never, owner: flusher }\n"
                + "      - { at: 250ms, do: drop_caches, value: 3 }\n",
                seed);
            long checks = 0;
            while (h.Sim.Now < 300 * Ms && h.RunUntil(Math.Min(h.Sim.Now + Ms, 300 * Ms)) != RunStopReason.Idle)
            {
                h.Verify($"seed {seed} at {h.Sim.Now}");
                checks++;
            }

            Assert.True(checks >= 300, $"seed {seed}: {checks} checks");
            Assert.Equal(1024, h.VmStat(NodeStatItem.NrWriteback));
        }
    }
}
