using MmSim.Sim;

namespace MmSim.Tests.Sim;

public class WaitChainTests
{
    /// <summary>A per-folio wait target reported instead of the shared (hashed) queue the task sleeps on.</summary>
    private sealed class FolioWriteback(long pfn, SimTask? server) : IWaitTarget
    {
        public SimTask? Releaser => server;

        public string Describe() => $"folio 0x{pfn:x} writeback";
    }

    [Fact]
    public void SharedQueueCanReportTheSpecificObjectWaitedOn()
    {
        var sim = new Simulator(1);
        var hashed = new WaitQueue("folio_wait_table[17]");
        static IEnumerable<Wait> Busy()
        {
            while (true)
            {
                yield return Wait.For(SimTime.NsPerMs);
            }
        }
        SimTask server = sim.Spawn("fuse-server", Busy());
        var folio = new FolioWriteback(0x1234, server);
        IEnumerable<Wait> Writer()
        {
            yield return Wait.On(hashed, TaskState.Uninterruptible, "folio_wait_writeback", waitingFor: folio);
        }
        SimTask writer = sim.Spawn("writer", Writer());
        sim.Run(SimTime.NsPerMs / 2);
        Assert.Same(folio, writer.WaitingOn);
        Assert.Equal(1, hashed.Count);

        WaitChain chain = WaitChain.Walk(writer);
        Assert.Equal(
            "writer:2 waits in folio_wait_writeback on folio 0x1234 writeback (released by fuse-server:1) -> fuse-server:1 is running (R)",
            chain.Describe());
        Assert.False(chain.HasCycle);

        hashed.WakeUpAll();
        sim.Run(SimTime.NsPerMs);
        Assert.Equal("writer:2 is dead (X)", WaitChain.Walk(writer).Describe());
    }

    [Fact]
    public void ChainIntoACycleNamesTheTaskItReturnedTo()
    {
        var sim = new Simulator(1);
        var m1 = new SimMutex("M1");
        var m2 = new SimMutex("M2");
        static IEnumerable<Wait> LockBoth(SimMutex first, SimMutex second)
        {
            yield return Wait.Lock(first);
            yield return Wait.For(1);
            yield return Wait.Lock(second);
        }
        sim.Spawn("A", LockBoth(m1, m2));
        sim.Spawn("B", LockBoth(m2, m1));
        IEnumerable<Wait> Victim()
        {
            yield return Wait.For(2);
            yield return Wait.Lock(m1);
        }
        SimTask victim = sim.Spawn("C", Victim());
        sim.Run(10);
        WaitChain chain = WaitChain.Walk(victim);
        Assert.True(chain.HasCycle);
        Assert.Equal(1, chain.CycleStart);
        Assert.Equal(
            "C:3 waits in mutex_lock on mutex M1 (released by A:1) -> A:1 waits in mutex_lock on mutex M2 (released by B:2)"
            + " -> B:2 waits in mutex_lock on mutex M1 (released by A:1) -> A:1",
            chain.ToString());
    }
}
