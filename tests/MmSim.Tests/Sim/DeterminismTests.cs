using MmSim.Sim;

namespace MmSim.Tests.Sim;

public class DeterminismTests
{
    /// <summary>A small random workload: tasks that take locks, sleep, wait on queues and wake each other.</summary>
    private static List<SchedTraceEvent> RunWorkload(ulong seed)
    {
        var sim = new Simulator(seed);
        var trace = new SchedTraceRecorder();
        sim.TraceSink = trace;
        _ = new DeadlockDetector(sim);
        _ = new HungTaskDetector(sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        var locks = new[] { new SimMutex("l0"), new SimMutex("l1") };
        var queue = new WaitQueue("work");
        Distribution think = Distribution.Exponential(SimTime.FromMs(3));

        IEnumerable<Wait> Worker(Prng prng)
        {
            for (int i = 0; i < 200; i++)
            {
                yield return Wait.For(think.Sample(prng));
                SimMutex m = locks[prng.NextBelow(2)];
                yield return Wait.Lock(m);
                yield return Wait.For(prng.NextInRange(1, 1000));
                m.Unlock();
                if (prng.Chance(new Ratio(1, 3)))
                {
                    yield return Wait.On(queue, TaskState.Uninterruptible, "wait_event_timeout", SimTime.FromMs(5));
                }
                else
                {
                    queue.WakeUpOne();
                }
            }
        }
        for (ulong i = 0; i < 8; i++)
        {
            sim.Spawn("worker" + i, Worker(sim.Random.Split(i)));
        }
        sim.Run(SimTime.FromSeconds(10));
        Assert.True(sim.IsEventQueueValid());
        return [.. trace.Events];
    }

    [Fact]
    public void SameSeedGivesIdenticalTraceAndDifferentSeedDiffers()
    {
        List<SchedTraceEvent> a = RunWorkload(12345);
        List<SchedTraceEvent> b = RunWorkload(12345);
        List<SchedTraceEvent> c = RunWorkload(12346);
        Assert.True(a.Count > 1000, $"workload too small: {a.Count} trace events");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
