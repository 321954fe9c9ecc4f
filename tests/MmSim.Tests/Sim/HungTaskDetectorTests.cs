using MmSim.Sim;

namespace MmSim.Tests.Sim;

public class HungTaskDetectorTests
{
    private static readonly long Sec = SimTime.NsPerSec;

    private static IEnumerable<Wait> BlockForever(WaitQueue q, TaskState state = TaskState.Uninterruptible)
    {
        yield return Wait.On(q, state, "folio_wait_writeback");
    }

    [Fact]
    public void ReportedAtExactly120SecondsWithOneSecondInterval()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("folio 0x1234 writeback");
        SimTask stuck = sim.Spawn("writer", BlockForever(q));
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });

        sim.Run(119 * Sec);
        Assert.Empty(khungtaskd.Reports);
        sim.Run(120 * Sec);
        HungTaskReport report = Assert.Single(khungtaskd.Reports);
        Assert.Equal(120 * Sec, report.TimeNs);
        Assert.Equal(stuck.Pid, report.Pid);
        Assert.Equal("INFO: task writer:1 blocked for more than 120 seconds.", report.Message);
        Assert.True(report.Printed);
        Assert.Equal(1, khungtaskd.HungTaskDetectCount);
        Assert.Equal(9, khungtaskd.HungTaskWarnings);
        Assert.Equal("khungtaskd:2", khungtaskd.Khungtaskd.ToString());
        Assert.True(khungtaskd.Khungtaskd.IsKernelThread);

        // Once per task: later checks do not repeat it.
        sim.Run(600 * Sec);
        Assert.Single(khungtaskd.Reports);
    }

    [Fact]
    public void DefaultIntervalReportsBetween120And240Seconds()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        sim.Spawn("writer", BlockForever(q));
        var khungtaskd = new HungTaskDetector(sim);
        sim.Run(1000 * Sec);
        HungTaskReport report = Assert.Single(khungtaskd.Reports);
        Assert.InRange(report.TimeNs, 120 * Sec, 240 * Sec);
        Assert.Equal(8, khungtaskd.ChecksRun);
    }

    [Fact]
    public void TaskThatWaits100SecondsAndProceedsIsNotReported()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        IEnumerable<Wait> Body()
        {
            yield return Wait.On(q, TaskState.Uninterruptible, "folio_wait_writeback");
            while (true)
            {
                yield return Wait.For(Sec);
            }
        }
        sim.Spawn("writer", Body());
        sim.Schedule(100 * Sec, () => q.WakeUpOne());
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        sim.Run(1000 * Sec);
        Assert.Empty(khungtaskd.Reports);
    }

    [Fact]
    public void TaskInInterruptibleSleepIsNeverReported()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        sim.Spawn("idle", BlockForever(q, TaskState.Interruptible));
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        sim.Run(1000 * Sec);
        Assert.Empty(khungtaskd.Reports);
    }

    [Fact]
    public void TaskSleepingRepeatedlyInDIsNotReported()
    {
        var sim = new Simulator(1);
        static IEnumerable<Wait> Throttled()
        {
            while (true)
            {
                yield return Wait.Sleep(SimTime.FromMs(100), TaskState.Uninterruptible, "balance_dirty_pages");
            }
        }
        sim.Spawn("dd", Throttled());
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        sim.Run(1000 * Sec);
        Assert.Empty(khungtaskd.Reports);
    }

    [Fact]
    public void WarningsStopPrintingAfterTenButDetectionContinues()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        for (int i = 0; i < 12; i++)
        {
            sim.Spawn("w" + i, BlockForever(q));
        }
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        sim.Run(200 * Sec);
        Assert.Equal(12, khungtaskd.Reports.Count);
        Assert.Equal(12, khungtaskd.HungTaskDetectCount);
        Assert.Equal(0, khungtaskd.HungTaskWarnings);
        Assert.Equal(10, khungtaskd.Reports.Count(r => r.Printed));
        Assert.False(khungtaskd.Reports[11].Printed);
        Assert.Equal(12, khungtaskd.Reports[11].DetectCount);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], khungtaskd.Reports.Select(r => r.Pid));
    }

    [Fact]
    public void ReportCarriesTheWaitChainToTheRootCause()
    {
        var sim = new Simulator(1);
        var requests = new WaitQueue("fuse request queue");
        var writeback = new WaitQueue("folio 0x1234 writeback");
        var fcLock = new SimMutex("fc->lock");
        IEnumerable<Wait> Server()
        {
            yield return Wait.Lock(fcLock);
            yield return Wait.On(requests, TaskState.Interruptible, "fuse_dev_do_read");
        }
        IEnumerable<Wait> Migrator()
        {
            yield return Wait.For(SimTime.FromMs(1));
            yield return Wait.Lock(fcLock, "fuse_writepages");
        }
        SimTask server = sim.Spawn("fuse-server", Server());
        SimTask migrator = sim.Spawn("flush-0:5", Migrator(), kernelThread: true);
        writeback.Releaser = migrator;
        sim.Spawn("writer", BlockForever(writeback));
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        sim.Run(200 * Sec);

        // Both D tasks are hung: the writer blocked at 0 s and is reported at 120 s; the flusher blocked
        // at 1 ms, so at 120 s it has slept just under the timeout and is reported at the 121 s check.
        Assert.Equal(2, khungtaskd.Reports.Count);
        HungTaskReport writer = khungtaskd.Reports[0];
        Assert.Equal("writer", writer.Comm);
        Assert.Equal(120 * Sec, writer.TimeNs);
        Assert.Equal(
            "writer:3 waits in folio_wait_writeback on folio 0x1234 writeback (released by flush-0:5:2)"
            + " -> flush-0:5:2 waits in fuse_writepages on mutex fc->lock (released by fuse-server:1)"
            + " -> fuse-server:1 waits in fuse_dev_do_read on fuse request queue (no known releaser)",
            writer.Chain.Describe());
        Assert.False(writer.Chain.HasCycle);
        Assert.Equal(server.Pid, writer.Chain.Links[2].Pid);
        Assert.Contains("[  120.000000] INFO: task writer:3 blocked for more than 120 seconds.\n", writer.Describe(), StringComparison.Ordinal);
        Assert.Contains("task:writer state:D pid:3 wchan:folio_wait_writeback", writer.Describe(), StringComparison.Ordinal);
        Assert.Equal(121 * Sec, khungtaskd.Reports[1].TimeNs);
    }

    [Fact]
    public void ASecondHangOfTheSameTaskIsReportedAgain()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        IEnumerable<Wait> Body()
        {
            yield return Wait.On(q, TaskState.Uninterruptible, "first");
            yield return Wait.On(q, TaskState.Uninterruptible, "second");
        }
        sim.Spawn("t", Body());
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        sim.Schedule(150 * Sec, () => q.WakeUpOne());
        sim.Run(400 * Sec);
        Assert.Equal(2, khungtaskd.Reports.Count);
        Assert.Equal(120 * Sec, khungtaskd.Reports[0].TimeNs);
        Assert.Equal(270 * Sec, khungtaskd.Reports[1].TimeNs);
        Assert.Equal("second", khungtaskd.Reports[1].Chain.Links[0].WaitSite);
    }

    [Fact]
    public void ZeroTimeoutDisablesChecking()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        sim.Spawn("writer", BlockForever(q));
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskTimeoutSecs = 0 });
        Assert.Equal(RunStopReason.Idle, sim.Run(1000 * Sec));
        Assert.Empty(khungtaskd.Reports);
        Assert.Equal(0, khungtaskd.ChecksRun);
        Assert.Equal(TaskState.Interruptible, khungtaskd.Khungtaskd.State);
    }

    [Fact]
    public void IntervalLongerThanTimeoutIsClampedToTheTimeout()
    {
        var sim = new Simulator(1);
        var khungtaskd = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskTimeoutSecs = 10, HungTaskCheckIntervalSecs = 60 });
        sim.Run(100 * Sec);
        Assert.Equal(10, khungtaskd.ChecksRun);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HungTaskDetector(sim, new HungTaskSysctl { HungTaskWarnings = -2 }));
    }
}
