using MmSim.Sim;

namespace MmSim.Tests.Sim;

public class DeadlockDetectorTests
{
    private static readonly long Ms = SimTime.NsPerMs;

    private static IEnumerable<Wait> LockBoth(SimMutex first, SimMutex second)
    {
        yield return Wait.Lock(first);
        yield return Wait.For(Ms);
        yield return Wait.Lock(second);
        second.Unlock();
        first.Unlock();
    }

    [Fact]
    public void AbbaMutexCycleIsReportedNamingBothTasks()
    {
        var sim = new Simulator(1);
        var detector = new DeadlockDetector(sim);
        var m1 = new SimMutex("M1");
        var m2 = new SimMutex("M2");
        sim.Spawn("A", LockBoth(m1, m2));
        sim.Spawn("B", LockBoth(m2, m1));
        sim.Run(SimTime.NsPerSec);

        DeadlockReport report = Assert.Single(detector.Deadlocks);
        Assert.Equal(Ms, report.TimeNs);
        Assert.Equal([1, 2], report.Pids);
        Assert.Equal(
            "deadlock at 0.001000s: A:1 waits in mutex_lock on mutex M2 (released by B:2)"
            + " -> B:2 waits in mutex_lock on mutex M1 (released by A:1) -> A:1",
            report.Describe());

        // Found once: rescanning does not duplicate it.
        Assert.Equal(0, detector.ScanAll());
        Assert.Single(detector.Deadlocks);
    }

    [Fact]
    public void ChainEndingInATimerSleepIsNotADeadlock()
    {
        var sim = new Simulator(1);
        var detector = new DeadlockDetector(sim);
        static IEnumerable<Wait> Sleeper()
        {
            yield return Wait.Sleep(SimTime.FromSeconds(1000));
        }
        SimTask b = sim.Spawn("B", Sleeper());
        var q = new WaitQueue("q") { Releaser = b };
        IEnumerable<Wait> A()
        {
            yield return Wait.On(q, TaskState.Uninterruptible, "wait_event");
        }
        sim.Spawn("A", A());
        sim.Run(SimTime.NsPerSec);
        Assert.Empty(detector.Deadlocks);
        Assert.Equal(0, detector.ScanAll());
    }

    [Fact]
    public void ThreeTaskCycleThroughWaitQueuesWithReleasersIsFound()
    {
        var sim = new Simulator(1);
        var detector = new DeadlockDetector(sim);
        var fcLock = new SimMutex("fc->lock");
        var writeback = new WaitQueue("folio 0x1234 writeback");
        var reply = new WaitQueue("fuse request 7 reply");

        IEnumerable<Wait> Flusher()
        {
            yield return Wait.Lock(fcLock);
            yield return Wait.For(Ms);
            yield return Wait.On(reply, TaskState.Uninterruptible, "fuse_simple_request");
        }
        IEnumerable<Wait> Server()
        {
            yield return Wait.For(2 * Ms);
            yield return Wait.On(writeback, TaskState.Uninterruptible, "folio_wait_writeback");
        }
        IEnumerable<Wait> Migrator()
        {
            yield return Wait.For(3 * Ms);
            yield return Wait.Lock(fcLock);
        }
        SimTask flusher = sim.Spawn("flush-0:5", Flusher(), kernelThread: true);
        SimTask server = sim.Spawn("fuse-server", Server());
        SimTask migrator = sim.Spawn("kcompactd0", Migrator(), kernelThread: true);
        reply.Releaser = server;
        writeback.Releaser = migrator;
        sim.Run(SimTime.NsPerSec);

        DeadlockReport report = Assert.Single(detector.Deadlocks);
        Assert.Equal(3 * Ms, report.TimeNs);
        Assert.Equal([flusher.Pid, server.Pid, migrator.Pid], report.Pids);
        Assert.Equal(
            "deadlock at 0.003000s: flush-0:5:1 waits in fuse_simple_request on fuse request 7 reply (released by fuse-server:2)"
            + " -> fuse-server:2 waits in folio_wait_writeback on folio 0x1234 writeback (released by kcompactd0:3)"
            + " -> kcompactd0:3 waits in mutex_lock on mutex fc->lock (released by flush-0:5:1) -> flush-0:5:1",
            report.ToString());
    }

    [Fact]
    public void WaitWithTimeoutBreaksTheCycle()
    {
        var sim = new Simulator(1);
        var detector = new DeadlockDetector(sim);
        var m = new SimMutex("m");
        var q = new WaitQueue("q");
        IEnumerable<Wait> A()
        {
            yield return Wait.Lock(m);
            yield return Wait.On(q, TaskState.Uninterruptible, "folio_wait_writeback", timeoutNs: SimTime.FromSeconds(1));
        }
        IEnumerable<Wait> B()
        {
            yield return Wait.For(Ms);
            yield return Wait.Lock(m);
        }
        sim.Spawn("A", A());
        SimTask b = sim.Spawn("B", B());
        q.Releaser = b;
        sim.Run(SimTime.FromMs(500));
        Assert.Empty(detector.Deadlocks);
    }

    [Fact]
    public void RecursiveLockIsASelfDeadlock()
    {
        var sim = new Simulator(1);
        var detector = new DeadlockDetector(sim);
        var m = new SimMutex("inode->i_rwsem");
        IEnumerable<Wait> Body()
        {
            yield return Wait.Lock(m);
            yield return Wait.Lock(m);
        }
        sim.Spawn("A", Body());
        sim.Run(Ms);
        DeadlockReport report = Assert.Single(detector.Deadlocks);
        Assert.Equal("deadlock at 0.000000s: A:1 waits in mutex_lock on mutex inode->i_rwsem (released by A:1) -> A:1", report.Describe());
    }

    [Fact]
    public void ScanAllFindsACycleClosedByALaterReleaserChange()
    {
        var sim = new Simulator(1);
        var detector = new DeadlockDetector(sim);
        var qa = new WaitQueue("qa");
        var qb = new WaitQueue("qb");
        static IEnumerable<Wait> WaitOn(WaitQueue q)
        {
            yield return Wait.On(q, TaskState.Uninterruptible, "wait_event");
        }
        SimTask a = sim.Spawn("A", WaitOn(qa));
        SimTask b = sim.Spawn("B", WaitOn(qb));
        sim.Run(Ms);
        Assert.Empty(detector.Deadlocks);
        qa.Releaser = b;
        qb.ReleaserFunc = () => a;
        Assert.Equal(1, detector.ScanAll());
        Assert.Equal([1, 2], detector.Deadlocks[0].Pids);
        Assert.Throws<InvalidOperationException>(() => new DeadlockDetector(sim));
    }
}
