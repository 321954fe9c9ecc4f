using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;
using MmSim.Tests.Workloads;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Steps;

/// <summary>
/// The offline, online and CMA steps over the contig branch's mechanisms, with folios under writeback
/// from the writeback step: what the script sees (outcome, latency, the hung-task chain).
/// </summary>
public class ContigStepTests
{
    private const long S = 1_000_000_000;

    // DMA32 is memory block 0; block 1 is Normal, or Movable (where page cache goes first and the file's inode
    // slab cannot: offlining it meets only the file's folios). An optional CMA area covers three quarters of
    // Normal, so movable allocations take CMA pages first (more than half the free pages are CMA).
    private static TimedHarness Run(string steps, string cma = "", string sysctl = "", string zone = "Normal") => TimedHarness.Start(
        $"version: 1\nmachine:\n  zones:\n    - name: DMA32\n      size: 128MiB\n      reserved: 2MiB\n    - name: {zone}\n      size: 128MiB\n" + cma + sysctl
        + "workloads:\n  - type: steps\n    steps:\n" + steps);

    private const string Cma = "  cma:\n    - { name: cma0, size: 96MiB, zone: Normal }\n";

    private static StepOutcome Outcome(TimedHarness h, string action) => h.Workloads[0].Stats.Outcomes.Single(o => o.Action == action);

    [Fact]
    public void Offline_over_never_ending_writeback_hangs_in_D_and_its_signal_stays_pending()
    {
        TimedHarness h = Run(
            "      - { at: 1s, do: writeback, file: f, size: 1MiB, until: never, owner: fuse-server }\n"
            + "      - { at: 2s, do: offline, block: 1, signal_after: 10s }\n",
            sysctl: "sysctl:\n  hung_task_timeout_secs: 30\n",
            zone: "Movable");
        h.Kernel.StartDaemons();
        h.RunUntil(100 * S);
        Assert.True(Assert.Single(h.Kernel.PageCache.Files).Pfn.All(p => p >= 1 << 15), "the file sits in block 1");
        SimTask sh = Assert.Single(h.Sim.Tasks, t => t.Comm == "steps");
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (sh.State, sh.WaitSite));
        Assert.True(h.Kernel.ContextOf(sh).SignalPending);
        Assert.Equal(("hung", 98 * S), (Outcome(h, "offline").At(h.Sim.Now).Result, Outcome(h, "offline").At(h.Sim.Now).LatencyNs));
        HungTaskReport report = h.Kernel.Daemons!.Khungtaskd.Reports.First(r => r.Pid == sh.Pid);
        Assert.Equal("fuse-server", report.Chain.Links[0].ReleaserComm);
        h.Verify("offline hung");
    }

    [Fact]
    public void Offline_over_writeback_that_ends_succeeds_then_and_online_brings_the_block_back()
    {
        TimedHarness h = Run(
            "      - { at: 1s, do: writeback, file: f, size: 1MiB, until: 20s, owner: flusher }\n"
            + "      - { at: 2s, do: offline, block: 1 }\n"
            + "      - { at: 30s, do: online, block: 1 }\n",
            zone: "Movable");
        h.RunUntil(25 * S);
        (string result, _, long latency) = Outcome(h, "offline").At(h.Sim.Now);
        Assert.Equal("ok", result);
        Assert.InRange(latency, 18 * S, 19 * S);
        Assert.Equal(1, h.Workloads[0].Stats.Metric(StepActions.OfflinePrefix + "ok"));
        long freeOffline = h.FreePages;
        h.RunUntil(31 * S);
        Assert.Equal("ok", Outcome(h, "online").Result);
        Assert.True(h.FreePages > freeOffline + (1 << 14), "the onlined block's pages are free again");
        h.Verify("offline then online");
    }

    [Fact]
    public void Cma_alloc_over_never_ending_writeback_hangs_and_over_ending_writeback_succeeds_after_it()
    {
        TimedHarness hung = Run(
            "      - { at: 1s, do: writeback, file: f, size: 1MiB, until: never, owner: fuse-server }\n"
            + "      - { at: 2s, do: cma_alloc, id: c, area: cma0, pages: 24576 }\n",
            Cma);
        hung.RunUntil(60 * S);
        Assert.Equal(StepOutcome.Running, Outcome(hung, "cma_alloc").At(hung.Sim.Now).Result);
        Assert.Equal(FolioWait.SiteFolioWaitWriteback, Assert.Single(hung.Sim.Tasks, t => t.Comm == "steps").WaitSite);

        TimedHarness ends = Run(
            "      - { at: 1s, do: writeback, file: f, size: 1MiB, until: 20s, owner: flusher }\n"
            + "      - { at: 2s, do: cma_alloc, id: c, area: cma0, pages: 24576 }\n"
            + "      - { at: 30s, do: cma_release, id: c }\n",
            Cma);
        ends.RunUntil(31 * S);
        StepOutcome alloc = Outcome(ends, "cma_alloc");
        Assert.Equal("ok", alloc.Result);
        Assert.True(alloc.EndNs >= 20 * S, $"cma_alloc returned at {alloc.EndNs}");
        Assert.Equal((1, 0), (ends.Workloads[0].Stats.Metric(StepActions.CmaAllocSuccess), ends.Workloads[0].Stats.Metric(StepActions.CmaAllocFail)));
        Assert.Equal("ok", Outcome(ends, "cma_release").Result);
        ends.Verify("cma after writeback");
    }
}
