using MmSim.Sim;

namespace MmSim.Tests.Sim;

public class WaitPrimitivesTests
{
    private const long Ms = SimTime.NsPerMs;

    private static IEnumerable<Wait> WaitOnce(WaitQueue q, List<string> log, string name, long timeoutNs = -1)
    {
        yield return Wait.On(q, TaskState.Uninterruptible, "folio_wait_writeback", timeoutNs);
        log.Add(name);
    }

    [Fact]
    public void WaitQueueWakesOneAndAllInFifoOrder()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("folio 0x10 writeback");
        var log = new List<string>();
        SimTask a = sim.Spawn("a", WaitOnce(q, log, "a"));
        sim.Spawn("b", WaitOnce(q, log, "b"));
        sim.Spawn("c", WaitOnce(q, log, "c"));
        sim.Run(0);
        Assert.Equal(3, q.Count);
        Assert.Same(a, q.FirstWaiter);
        Assert.Equal(TaskState.Uninterruptible, a.State);
        Assert.Equal("folio_wait_writeback", a.WaitSite);
        Assert.Same(q, a.WaitingOn);
        Assert.Equal(0, a.BlockedSinceNs);
        Assert.Equal(1, a.SwitchCount);

        sim.Schedule(5 * Ms, () => q.WakeUpOne());
        sim.Run(5 * Ms);
        Assert.Equal(["a"], log);
        Assert.Equal(2, q.Count);
        Assert.Null(a.WaitingOn);
        Assert.Equal(-1, a.BlockedSinceNs);
        Assert.False(a.LastWaitTimedOut);

        sim.Schedule(1 * Ms, () => Assert.Equal(2, q.WakeUpAll()));
        sim.Run(10 * Ms);
        Assert.Equal(["a", "b", "c"], log);
        Assert.Equal(0, q.Count);
        Assert.False(q.WakeUpOne());
    }

    [Fact]
    public void WokenTaskIsRunnableUntilItsResumeEvent()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        var log = new List<string>();
        SimTask waiter = sim.Spawn("waiter", WaitOnce(q, log, "w"));
        TaskState afterWake = TaskState.Dead;
        IEnumerable<Wait> Waker()
        {
            yield return Wait.For(Ms);
            q.WakeUpOne();
            afterWake = waiter.State;
            // The waiter must not run inside the waker.
            Assert.Empty(log);
        }
        sim.Spawn("waker", Waker());
        sim.Run(10 * Ms);
        Assert.Equal(TaskState.Runnable, afterWake);
        Assert.Equal(["w"], log);
    }

    [Fact]
    public void TimeoutEndsTheWaitAndIsReported()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        bool timedOut = false;
        long resumedAt = -1;
        SimTask? self = null;
        IEnumerable<Wait> Body()
        {
            yield return Wait.On(q, TaskState.Interruptible, "wait_event_timeout", 30 * Ms);
            timedOut = self!.LastWaitTimedOut;
            resumedAt = sim.Now;
        }
        self = sim.Spawn("t", Body());
        sim.Run(0);
        Assert.Equal(30 * Ms, self.WaitDeadlineNs);
        sim.Run(SimTime.NsPerSec);
        Assert.True(timedOut);
        Assert.Equal(30 * Ms, resumedAt);
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void WakeBeforeTimeoutMakesTheTimerStale()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        var resumes = new List<(long, bool)>();
        SimTask? self = null;
        IEnumerable<Wait> Body()
        {
            yield return Wait.On(q, TaskState.Uninterruptible, "site", 30 * Ms);
            resumes.Add((sim.Now, self!.LastWaitTimedOut));
            yield return Wait.For(100 * Ms);
            resumes.Add((sim.Now, self.LastWaitTimedOut));
        }
        self = sim.Spawn("t", Body());
        sim.Schedule(10 * Ms, () => q.WakeUpOne());
        sim.Run(SimTime.NsPerSec);
        Assert.Equal([(10 * Ms, false), (110 * Ms, false)], resumes);
    }

    [Fact]
    public void MiddleWaiterTimingOutKeepsTheQueueIntact()
    {
        var sim = new Simulator(1);
        var q = new WaitQueue("q");
        var log = new List<string>();
        sim.Spawn("a", WaitOnce(q, log, "a"));
        sim.Spawn("b", WaitOnce(q, log, "b", timeoutNs: 5 * Ms));
        sim.Spawn("c", WaitOnce(q, log, "c"));
        sim.Run(6 * Ms);
        Assert.Equal(["b"], log);
        Assert.Equal(2, q.Count);
        q.WakeUpAll();
        sim.Run(7 * Ms);
        Assert.Equal(["b", "a", "c"], log);
    }

    [Fact]
    public void SleepIsInterruptibleAndWakeUpProcessEndsItEarly()
    {
        var sim = new Simulator(1);
        IEnumerable<Wait> Body()
        {
            yield return Wait.Sleep(SimTime.FromSeconds(10));
        }
        SimTask t = sim.Spawn("kcompactd0", Body(), kernelThread: true);
        sim.Run(Ms);
        Assert.Equal(TaskState.Interruptible, t.State);
        Assert.Equal('S', t.State.ToChar());
        Assert.Equal(Wait.SiteScheduleTimeoutInterruptible, t.WaitSite);
        Assert.Equal("timer", t.WaitingOn!.Describe());
        Assert.Null(t.WaitingOn.Releaser);
        Assert.True(sim.WakeUpProcess(t));
        Assert.False(sim.WakeUpProcess(t));
        sim.Run(2 * Ms);
        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(Ms, t.ExitTimeNs);
    }

    [Fact]
    public void CompletionBanksDoneAndHandsItToOneWaiter()
    {
        var sim = new Simulator(1);
        var c = new Completion("fuse request 1 reply");
        var log = new List<string>();
        IEnumerable<Wait> Waiter(string name)
        {
            yield return Wait.ForCompletion(c);
            log.Add(name + "@" + sim.Now / Ms);
        }
        c.Complete();
        Assert.True(c.IsDone);
        sim.Spawn("a", Waiter("a"));
        sim.Spawn("b", Waiter("b"));
        // Everything due has run, so the run ends idle at time 0.
        Assert.Equal(RunStopReason.Idle, sim.Run(Ms));
        Assert.Equal(0, sim.Now);
        Assert.Equal(["a@0"], log);
        Assert.False(c.IsDone);
        Assert.Equal(1, c.WaiterCount);
        sim.Schedule(2 * Ms, c.Complete);
        sim.Run(5 * Ms);
        Assert.Equal(["a@0", "b@2"], log);
        Assert.False(c.IsDone);
    }

    [Fact]
    public void CompleteAllReleasesEveryoneForever()
    {
        var sim = new Simulator(1);
        var c = new Completion("done");
        int passed = 0;
        IEnumerable<Wait> Waiter()
        {
            yield return Wait.ForCompletion(c, TaskState.Uninterruptible, "wait_for_completion", timeoutNs: -1);
            passed++;
        }
        sim.Spawn("a", Waiter());
        sim.Spawn("b", Waiter());
        sim.Schedule(Ms, c.CompleteAll);
        sim.Run(2 * Ms);
        Assert.Equal(2, passed);
        sim.Spawn("c", Waiter());
        sim.Run(3 * Ms);
        Assert.Equal(3, passed);
        Assert.True(c.IsDone);
        Assert.Throws<InvalidOperationException>(() =>
        {
            var d = new Completion("x");
            sim.Spawn("d", Waiter2(d));
            sim.Run(4 * Ms);
            d.Reinit();
        });
        static IEnumerable<Wait> Waiter2(Completion d)
        {
            yield return Wait.ForCompletion(d);
        }
    }

    [Fact]
    public void CompletionTimeout()
    {
        var sim = new Simulator(1);
        var c = new Completion("reply");
        SimTask? self = null;
        bool timedOut = false;
        IEnumerable<Wait> Body()
        {
            yield return Wait.ForCompletion(c, TaskState.Uninterruptible, "wait_for_completion_timeout", 7 * Ms);
            timedOut = self!.LastWaitTimedOut;
        }
        self = sim.Spawn("t", Body());
        sim.Run(SimTime.NsPerSec);
        Assert.True(timedOut);
        Assert.Equal(0, c.WaiterCount);
        c.Complete();
        Assert.True(c.IsDone);
        Assert.False(sim.WakeUpProcess(self));
    }

    [Fact]
    public void MutexIsHandedOverFifoAndWaitersSleepInD()
    {
        var sim = new Simulator(1);
        var m = new SimMutex("fc->lock");
        var log = new List<string>();
        IEnumerable<Wait> Locker(string name, long holdNs)
        {
            yield return Wait.Lock(m);
            log.Add(name + "+" + sim.Now / Ms);
            yield return Wait.For(holdNs);
            m.Unlock();
        }
        SimTask a = sim.Spawn("a", Locker("a", 10 * Ms));
        SimTask b = sim.Spawn("b", Locker("b", 10 * Ms));
        SimTask c = sim.Spawn("c", Locker("c", 10 * Ms));
        sim.Run(Ms);
        Assert.Same(a, m.Owner);
        Assert.Same(a, m.Releaser);
        Assert.Equal(2, m.WaiterCount);
        Assert.Equal(TaskState.Uninterruptible, b.State);
        Assert.Same(m, b.WaitingOn);
        Assert.Equal("mutex fc->lock", b.WaitingOn!.Describe());
        Assert.False(sim.WakeUpProcess(b));
        sim.Run(SimTime.NsPerSec);
        Assert.Equal(["a+0", "b+10", "c+20"], log);
        Assert.Null(m.Owner);
        Assert.Equal(1, c.SwitchCount);
    }

    [Fact]
    public void UnlockByANonOwnerThrows()
    {
        var sim = new Simulator(1);
        var m = new SimMutex("m");
        Assert.Throws<InvalidOperationException>(m.Unlock);
        IEnumerable<Wait> Holder()
        {
            yield return Wait.Lock(m);
            yield return Wait.Sleep(SimTime.NsPerSec);
        }
        SimTask holder = sim.Spawn("holder", Holder());
        sim.Run(Ms);
        Assert.Same(holder, m.Owner);
        Assert.False(m.TryLock(holder));
        Assert.Throws<InvalidOperationException>(m.Unlock);
    }

    [Fact]
    public void ReleaserCanBeFixedOrComputed()
    {
        var sim = new Simulator(1);
        static IEnumerable<Wait> Idle()
        {
            yield return Wait.Sleep(SimTime.NsPerSec);
        }
        SimTask server = sim.Spawn("fuse-server", Idle());
        SimTask other = sim.Spawn("other", Idle());
        var q = new WaitQueue("q") { Releaser = server };
        Assert.Same(server, q.Releaser);
        q.ReleaserFunc = () => other;
        Assert.Same(other, q.Releaser);
        q.ReleaserFunc = null;
        Assert.Same(server, q.Releaser);
    }

    [Fact]
    public void FactoriesRejectBadArguments()
    {
        var q = new WaitQueue("q");
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.For(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.Sleep(1, TaskState.Running));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.On(q, TaskState.Dead, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wait.On(q, TaskState.Interruptible, "x", -2));
        Assert.Equal(Wait.For(5), Wait.For(5));
        Assert.NotEqual(Wait.For(5), Wait.For(6));
    }
}
