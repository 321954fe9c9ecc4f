using MmSim.Sim;

namespace MmSim.Tests.Sim;

public class SimulatorTests
{
    [Fact]
    public void CallbacksRunInTimeThenInsertionOrder()
    {
        var sim = new Simulator(1);
        var log = new List<string>();
        sim.Schedule(20, () => log.Add("b@" + sim.Now));
        sim.Schedule(10, () => log.Add("a@" + sim.Now));
        sim.Schedule(20, () => log.Add("c@" + sim.Now));
        sim.Schedule(10, static s => ((List<string>)s!).Add("d"), log);
        Assert.Equal(RunStopReason.Idle, sim.Run(100));
        Assert.Equal(["a@10", "d", "b@20", "c@20"], log);
        Assert.Equal(20, sim.Now);
        Assert.Equal(4, sim.EventsProcessed);
    }

    [Fact]
    public void RunIncludesEventsAtTheEndTimeAndCanContinue()
    {
        var sim = new Simulator(1);
        int fired = 0;
        sim.Schedule(100, () => fired++);
        sim.Schedule(101, () => fired++);
        Assert.Equal(RunStopReason.TimeLimit, sim.Run(100));
        Assert.Equal(1, fired);
        Assert.Equal(100, sim.Now);
        Assert.Equal(RunStopReason.Idle, sim.Run(1000));
        Assert.Equal(2, fired);
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Run(5));
    }

    [Fact]
    public void CancelledCallbackDoesNotRunAndItsSlotIsReused()
    {
        var sim = new Simulator(1);
        int a = 0;
        int b = 0;
        CallbackHandle h = sim.Schedule(10, () => a++);
        Assert.True(sim.Cancel(h));
        Assert.False(sim.Cancel(h));
        CallbackHandle h2 = sim.Schedule(10, () => b++);
        Assert.Equal(h.Slot, h2.Slot);
        Assert.NotEqual(h.Generation, h2.Generation);
        sim.Run(100);
        Assert.Equal(0, a);
        Assert.Equal(1, b);
        Assert.False(sim.Cancel(h2));
        Assert.Equal(1, sim.EventsProcessed);
    }

    [Fact]
    public void StopEndsTheRunAfterTheCurrentEvent()
    {
        var sim = new Simulator(1);
        int fired = 0;
        sim.Schedule(1, () => { fired++; sim.Stop(); });
        sim.Schedule(1, () => fired++);
        Assert.Equal(RunStopReason.Stopped, sim.Run(100));
        Assert.Equal(1, fired);
        Assert.Equal(RunStopReason.Idle, sim.Run(100));
        Assert.Equal(2, fired);
    }

    [Fact]
    public void PidsAreSequentialAndTasksRunInSpawnOrder()
    {
        var sim = new Simulator(1);
        var log = new List<int>();
        IEnumerable<Wait> Body(int id)
        {
            log.Add(id);
            yield return Wait.For(10);
            log.Add(id + 100);
        }
        SimTask t1 = sim.Spawn("a", Body(1));
        SimTask t2 = sim.Spawn("b", Body(2), kernelThread: true);
        Assert.Equal(1, t1.Pid);
        Assert.Equal(2, t2.Pid);
        Assert.True(t2.IsKernelThread);
        Assert.Equal(TaskState.Runnable, t1.State);
        sim.Run(SimTime.NsPerSec);
        Assert.Equal([1, 2, 101, 102], log);
        Assert.Equal(TaskState.Dead, t1.State);
        Assert.Equal(10, t1.ExitTimeNs);
        Assert.Equal("a:1", t1.ToString());
        Assert.Same(t2, sim.Tasks[1]);
    }

    [Fact]
    public void CpuWorkKeepsTheTaskRunningWithoutSwitches()
    {
        var sim = new Simulator(1);
        SimTask? self = null;
        TaskState seen = TaskState.Dead;
        IEnumerable<Wait> Body()
        {
            yield return Wait.For(50);
            seen = self!.State;
        }
        self = sim.Spawn("worker", Body());
        sim.Run(20);
        Assert.Equal(TaskState.Running, self.State);
        sim.Run(100);
        Assert.Equal(TaskState.Running, seen);
        Assert.Equal(0, self.SwitchCount);
    }

    [Fact]
    public void ExceptionInATaskSurfacesWithTheTaskName()
    {
        var sim = new Simulator(1);
        IEnumerable<Wait> Body()
        {
            yield return Wait.For(SimTime.FromMs(5));
            throw new InvalidOperationException("boom");
        }
        SimTask task = sim.Spawn("kcompactd0", Body(), kernelThread: true);
        var e = Assert.Throws<SimTaskException>(() => sim.Run(SimTime.NsPerSec));
        Assert.Contains("kcompactd0:1", e.Message, StringComparison.Ordinal);
        Assert.Contains("0.005000s", e.Message, StringComparison.Ordinal);
        Assert.Contains("boom", e.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Same(task, e.Task);
        Assert.Equal(TaskState.Dead, task.State);
    }

    [Fact]
    public void YieldingDefaultWaitIsAnError()
    {
        var sim = new Simulator(1);
        static IEnumerable<Wait> Body()
        {
            yield return default;
        }
        sim.Spawn("bad", Body());
        Assert.Throws<SimTaskException>(() => sim.Run(10));
    }

    [Fact]
    public void LivelockOnImmediatelyCompletedWaitsIsDetected()
    {
        var sim = new Simulator(1);
        var m = new SimMutex("m");
        IEnumerable<Wait> Body()
        {
            while (true)
            {
                yield return Wait.Lock(m);
                m.Unlock();
            }
        }
        sim.Spawn("spinner", Body());
        var e = Assert.Throws<SimTaskException>(() => sim.Run(10));
        Assert.Contains("livelock", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunIsNotReentrant()
    {
        var sim = new Simulator(1);
        sim.Schedule(1, () => sim.Run(5));
        Assert.Throws<InvalidOperationException>(() => sim.Run(5));
    }

    [Fact]
    public void HugeDelaysSaturateInsteadOfWrapping()
    {
        var sim = new Simulator(1);
        int fired = 0;
        sim.Schedule(5, () => sim.Schedule(long.MaxValue, () => fired++));
        Assert.Equal(RunStopReason.TimeLimit, sim.Run(SimTime.FromSeconds(1000)));
        Assert.Equal(0, fired);
        Assert.True(sim.IsEventQueueValid());
    }

    [Fact]
    public void TraceRecordsForkSwitchWakeupExit()
    {
        var sim = new Simulator(1);
        var trace = new SchedTraceRecorder();
        sim.TraceSink = trace;
        static IEnumerable<Wait> Body()
        {
            yield return Wait.Sleep(1000, TaskState.Uninterruptible, "msleep");
        }
        sim.Spawn("t", Body());
        sim.Run(10_000);
        Assert.Equal(
            ["0.000000s sched_process_fork pid=1", "0.000000s sched_switch pid=1 prev_state=D wchan=msleep",
             "0.000001s sched_wakeup pid=1", "0.000001s sched_process_exit pid=1"],
            trace.Events.Select(e => e.ToString()));
    }
}
