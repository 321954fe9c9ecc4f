using System.Text.Json;
using MmSim.Runs;
using MmSim.Runs.TimeSeries;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Tests.Runs;

public sealed class TimedRunTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mmsim-runtime-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static readonly string Hung = TestScenarios.Machine1G(
        "duration: 30s\nsampling_interval: 5s\nsysctl:\n  hung_task_timeout_secs: 10\n  hung_task_check_interval_secs: 1\n");

    [Fact]
    public void TaskBlockedForeverOnAWaitQueueIsReportedHungInSummaryJson()
    {
        ScenarioConfig config = TestScenarios.With(Hung, new TestWorkloadConfig(TestBehaviour.BlockForever));
        string dir = Path.Combine(root, "hung");
        RunSummary summary = RunFolder.Execute(config, TestTimedWorkloads.Options(), dir);

        HungTaskSummary hung = Assert.Single(summary.HungTasks);
        Assert.Equal("writer", hung.Comm);
        Assert.Equal(10, hung.BlockedSeconds);
        Assert.Equal(SimTime.FromSeconds(10), hung.TimeNs);  // blocked at 0, timeout 10 s, checked every second
        Assert.Equal("folio_wait_writeback", hung.WaitSite);
        Assert.Contains("fuse-server", hung.Chain, StringComparison.Ordinal);
        Assert.Empty(summary.Deadlocks);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement entry = Assert.Single(json.RootElement.GetProperty("hung_tasks").EnumerateArray());
        Assert.Equal($"writer:{hung.Pid}", entry.GetProperty("task").GetString());
        Assert.Equal(10, entry.GetProperty("blocked_seconds").GetInt64());
        Assert.Contains("folio 0x1000 writeback", entry.GetProperty("chain").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TaskThatIsMerelySlowIsNotReported()
    {
        ScenarioConfig config = TestScenarios.With(Hung, new TestWorkloadConfig(TestBehaviour.Slow));
        RunSummary summary = RunFolder.Execute(config, TestTimedWorkloads.Options(), Path.Combine(root, "slow"));
        Assert.Empty(summary.HungTasks);
        Assert.True(summary.Daemons!.HungTaskChecks >= 29, "khungtaskd checked every second");
    }

    [Fact]
    public void AbbaCycleAmongTasksIsReportedAsADeadlockInSummaryJson()
    {
        ScenarioConfig config = TestScenarios.With(TestScenarios.Machine1G("duration: 2s\n"), new TestWorkloadConfig(TestBehaviour.Deadlock));
        string dir = Path.Combine(root, "deadlock");
        RunSummary summary = RunFolder.Execute(config, TestTimedWorkloads.Options(), dir);

        DeadlockSummary d = Assert.Single(summary.Deadlocks);
        Assert.Equal(SimTime.NsPerMs, d.TimeNs);
        Assert.Equal(2, d.Tasks.Count);
        Assert.StartsWith("A:", d.Tasks[0], StringComparison.Ordinal);
        Assert.StartsWith("B:", d.Tasks[1], StringComparison.Ordinal);
        Assert.Contains("mutex fc_lock", d.Cycle, StringComparison.Ordinal);
        Assert.Contains("mutex inode_lock", d.Cycle, StringComparison.Ordinal);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement entry = Assert.Single(json.RootElement.GetProperty("deadlocks").EnumerateArray());
        Assert.Equal(d.Cycle, entry.GetProperty("cycle").GetString());
        Assert.Equal(2, entry.GetProperty("pids").GetArrayLength());
    }

    [Fact]
    public void TimedRunSamplesAtZeroEveryIntervalAndAtTheEnd()
    {
        ScenarioConfig config = TestScenarios.With(
            TestScenarios.Machine1G("duration: 3500ms\nsampling_interval: 1s\n"), new TestWorkloadConfig(TestBehaviour.Churn));
        var runner = new ScenarioRunner(config, TestTimedWorkloads.Options());
        runner.Run();

        TimeSeriesRecorder series = runner.TimeSeries!;
        long s = SimTime.NsPerSec;
        Assert.Equal([0, s, 2 * s, 3 * s, 3500 * SimTime.NsPerMs], series.ZoneTimeNs.Where((_, i) => i % 2 == 0));
        Assert.Equal(5, series.Samples);
        Assert.Equal(3500 * SimTime.NsPerMs, runner.Timed!.DurationNs);
        Assert.Equal(RunStopReason.TimeLimit, runner.Timed.StopReason);
        Assert.Equal(3, runner.Timed.Daemons.VmstatWorker.Runs);
        Assert.True(runner.Timed.EventsProcessed > 10_000, "the churn tasks ran");
    }

    [Fact]
    public void TaskStatesAreSampled()
    {
        ScenarioConfig config = TestScenarios.With(
            TestScenarios.Machine1G("duration: 2s\nsampling_interval: 1s\n"), new TestWorkloadConfig(TestBehaviour.BlockForever));
        var runner = new ScenarioRunner(config, TestTimedWorkloads.Options());
        runner.Run();
        TimeSeriesRecorder series = runner.TimeSeries!;

        // At time 0 every task is newly spawned (R); afterwards the writer sleeps in D and the rest in S.
        int blocked = TimeSeriesColumns.TrailerStart + 4;
        int sleeping = TimeSeriesColumns.TrailerStart + 3;
        Assert.Equal("procs_blocked", TimeSeriesColumns.Numeric[blocked]);
        Assert.Equal([0L, 0L, 1L, 1L, 1L, 1L], series.ZoneValues[blocked]);
        Assert.Equal([0L, 0L, 4L, 4L, 4L, 4L], series.ZoneValues[sleeping]);  // khungtaskd, kcompactd0, kswapd0, fuse-server
        string[] names = ["khungtaskd", "kcompactd0", "kswapd0", "fuse-server", "writer"];
        Assert.Equal([.. names, .. names, .. names], series.TaskComms);
        Assert.Equal(["R", "R", "R", "R", "R", "S", "S", "S", "S", "D", "S", "S", "S", "S", "D"], series.TaskStates);
    }

    [Fact]
    public void UntimedOnlyScenarioGetsABootAndAFinalSample()
    {
        ScenarioConfig config = MmSim.Tests.Scenario.TestFiles.LoadOk(TestScenarios.Machine1G(
            "workloads:\n  - type: churn\n    ops: 20000\n"));
        var runner = new ScenarioRunner(config, TestTimedWorkloads.Options());
        runner.Run();
        Assert.Null(runner.Timed);
        Assert.Equal([0L, 0L, 20_000 * ScenarioRunner.NsPerOp, 20_000 * ScenarioRunner.NsPerOp], runner.TimeSeries!.ZoneTimeNs);
        Assert.Empty(runner.TimeSeries.TaskTimeNs);
    }

    [Fact]
    public void UnknownTimedWorkloadTypeFailsBeforeAnythingRuns()
    {
        ScenarioConfig config = TestScenarios.With(TestScenarios.Machine1G(), new TestWorkloadConfig(TestBehaviour.Slow));
        var runner = new ScenarioRunner(config, new RunOptions());
        var e = Assert.Throws<InvalidOperationException>(() => runner.Run());
        Assert.Contains("test-slow", e.Message, StringComparison.Ordinal);
        Assert.Null(runner.Allocator);
    }

    [Fact]
    public void InvariantsHoldThroughATimedChurnWithChecksOn()
    {
        ScenarioConfig config = TestScenarios.With(
            TestScenarios.Machine1G("duration: 2s\nsampling_interval: 200ms\n"), new TestWorkloadConfig(TestBehaviour.Churn, Tasks: 3, FillPercent: 97));
        var runner = new ScenarioRunner(config, TestTimedWorkloads.Options(checkEvery: 1));
        IReadOnlyList<WorkloadResult> results = runner.Run();
        Assert.True(runner.ChecksRun >= 11, "boot, every 200 ms and the end");
        Assert.True(results[0].Stats.Allocs > 1000);
        Assert.True(runner.Timed!.Daemons.Kswapd.Wakeups > 0, "97 % fill takes zones below their low watermark");
    }
}
