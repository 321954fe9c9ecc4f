using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;
using MmSim.Workloads.Timed;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Steps;

/// <summary>
/// Execution of the kernel steps that do not need the compaction and contig branches: a zone's compact
/// step with compact_node's control, signals, and the outcomes in summary.json.
/// </summary>
public class KernelStepTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void A_zone_compact_step_runs_compact_zone_as_compact_node_does_and_charges_its_cost()
    {
        var compact = new RecordingCompact(costNs: 3 * Ms);
        ScenarioConfig config = LoadOk(
            "version: 1\nmachine:\n  zones:\n    - name: DMA32\n      size: 64MiB\n    - name: Normal\n      size: 64MiB\n"
            + "workloads:\n  - type: steps\n    steps:\n      - { at: 1s, do: compact, zone: Normal }\n      - { at: 1s, do: compact, zone: Movable }\n      - { at: 1s, do: drop_caches }\n");
        LinuxKernel kernel = LinuxKernel.Boot(KernelFromConfig.Machine(config.Machine), KernelFromConfig.Params(config) with { Compact = _ => compact }, 1);
        var steps = (StepsWorkload)TimedWorkloads.Create(config.Workloads[0])!;
        steps.Start(new WorkloadContext(kernel, new Prng(1)));
        kernel.Sim.Run(2000 * Ms);

        CompactControl cc = Assert.Single(compact.Runs);
        Assert.Equal(
            (ZoneType.Normal, -1, MigrateMode.Sync, true, true, GfpFlags.Kernel, false),
            (cc.Zone!.Type, cc.Order, cc.Mode, cc.IgnoreSkipHint, cc.WholeZone, cc.GfpMask, cc.ProactiveCompaction));

        // The step's task is charged the run's cost; an unpopulated zone is skipped, as compact_node does.
        Assert.Equal([1000 * Ms, 1003 * Ms, 1003 * Ms], steps.RanAtNs);
        Assert.Equal(
            [("compact", "ok", 3 * Ms), ("compact", "ok", 0L)],
            steps.Stats.Outcomes.Select(o => (o.Action, o.At(kernel.Sim.Now).Result, o.At(kernel.Sim.Now).LatencyNs)));
        Assert.Equal(2, steps.Stats.Metric(StepActions.CompactRuns));
    }

    [Fact]
    public void A_signal_wakes_a_task_sleeping_in_S_but_not_one_in_D_and_stays_pending()
    {
        LinuxKernel kernel = MmSim.Tests.Kernel.BlockingKernelTests.Boot();
        var queue = new WaitQueue("test");
        SimTask s = kernel.Sim.Spawn("sleeper", [Wait.Sleep(10_000 * Ms)]);
        SimTask d = kernel.Sim.Spawn("dsleeper", [Wait.On(queue, TaskState.Uninterruptible, "folio_wait_writeback")]);
        kernel.Sim.Run(1 * Ms);
        Assert.True(kernel.SendSignal(s));
        Assert.False(kernel.SendSignal(d));
        kernel.Sim.Run(2 * Ms);
        Assert.Equal((TaskState.Dead, TaskState.Uninterruptible), (s.State, d.State));
        Assert.True(kernel.ContextOf(s).SignalPending);
        Assert.True(kernel.ContextOf(d).SignalPending);
        queue.WakeUpAll();
        kernel.Sim.Run(3 * Ms);
    }

    [Fact]
    public void Step_outcomes_and_metrics_reach_summary_json()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mmsim-steps-" + Guid.NewGuid().ToString("N"));
        try
        {
            ScenarioConfig config = LoadOk(
                "version: 1\nduration: 5s\nmachine:\n  zones:\n    - name: Normal\n      size: 128MiB\n"
                + "workloads:\n  - type: steps\n    steps:\n"
                + "      - { at: 1s, do: writeback, file: f1, size: 1MiB, until: 2s, owner: flusher }\n"
                + "      - { at: 1500ms, do: writeback, file: f2, size: 8KiB, until: never, owner: fuse }\n");
            RunSummary summary = RunFolder.Execute(config, new RunOptions(), dir);
            WorkloadSummary w = Assert.Single(summary.Workloads);
            Assert.Equal(
                [new StepSummary(0, 1_000 * Ms, "writeback", null, "ok", "", 0, 256), new StepSummary(1, 1_500 * Ms, "writeback", null, "ok", "", 0, 2)],
                w.Steps);
            Assert.Equal(258, w.Metrics.Single(m => m.Name == WritebackStep.Folios).Value);
            Assert.Equal(256, w.Metrics.Single(m => m.Name == WritebackStep.Ended).Value);
            string json = File.ReadAllText(Path.Combine(dir, "summary.json"));
            Assert.Contains("\"steps\": [", json, StringComparison.Ordinal);
            Assert.Contains("\"outcome\": \"ok\"", json, StringComparison.Ordinal);
            Assert.Contains("\"name\": \"writeback_folios\"", json, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>compact_zone that records the control it was given and charges a fixed cost.</summary>
    private sealed class RecordingCompact(long costNs) : ICompact
    {
        public List<CompactControl> Runs { get; } = [];

        public IEnumerable<Wait> CompactZone(PageAllocator alloc, CompactControl cc)
        {
            Runs.Add(new CompactControl
            {
                Zone = cc.Zone, Order = cc.Order, Mode = cc.Mode, IgnoreSkipHint = cc.IgnoreSkipHint, WholeZone = cc.WholeZone,
                GfpMask = cc.GfpMask, ProactiveCompaction = cc.ProactiveCompaction,
            });
            cc.CostNs = costNs;
            cc.Result = CompactResult.Complete;
            return [];
        }

        public IEnumerable<Wait> TryToCompactPages(PageAllocator alloc, CompactControl cc) => CompactZone(alloc, cc);

        public bool CompactionDeferred(Zone zone, int order) => false;

        public void DeferCompaction(Zone zone, int order)
        {
        }

        public void CompactionDeferReset(Zone zone, int order, bool allocSuccess)
        {
        }

        public void ResetIsolationSuitable(PgData pgdat)
        {
        }

        public void IsolatedFreeBlocks(List<(int Pfn, int Order)> into)
        {
        }
    }
}
