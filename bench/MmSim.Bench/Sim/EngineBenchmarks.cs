using BenchmarkDotNet.Attributes;
using MmSim.Sim;

namespace MmSim.Bench.Sim;

/// <summary>
/// Throughput of the simulation engine in events per second: each benchmark processes
/// <see cref="EventsPerRun"/> events, so BenchmarkDotNet's "per operation" figures are per event.
/// </summary>
/// <remarks>Run with <c>dotnet run -c Release --project bench/MmSim.Bench -- --filter '*Engine*' --job short</c>.</remarks>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    /// <summary>Events processed by one benchmark invocation.</summary>
    public const int EventsPerRun = 1_000_000;

    private const int Tasks = 64;

    /// <summary>64 tasks, each looping on <c>yield return Wait.For(random delay)</c>.</summary>
    /// <returns>Events processed (keeps the work observable).</returns>
    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long TaskDelays()
    {
        var sim = new Simulator(42);
        for (int i = 0; i < Tasks; i++)
        {
            sim.Spawn("worker", DelayLoop(sim.Random.Split((ulong)i), EventsPerRun / Tasks - 1));
        }
        sim.Run(long.MaxValue);
        return Check(sim.EventsProcessed);
    }

    /// <summary>64 self-rescheduling callback chains (kernel-timer style), no tasks.</summary>
    /// <returns>Events processed.</returns>
    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long Callbacks()
    {
        var sim = new Simulator(42);
        for (int i = 0; i < Tasks; i++)
        {
            new TimerChain(sim, sim.Random.Split((ulong)i), EventsPerRun / Tasks).Arm();
        }
        sim.Run(long.MaxValue);
        return Check(sim.EventsProcessed);
    }

    /// <summary>Pairs of tasks waking each other through wait queues (sleep, wake-up, resume), with deadlock checks on.</summary>
    /// <returns>Events processed.</returns>
    [Benchmark(OperationsPerInvoke = EventsPerRun)]
    public long WaitQueuePingPong()
    {
        var sim = new Simulator(42);
        _ = new DeadlockDetector(sim);
        const int Pairs = Tasks / 2;
        for (int i = 0; i < Pairs; i++)
        {
            var ping = new WaitQueue("ping");
            var pong = new WaitQueue("pong");
            // Each round trip is two resume events plus the two 1 ns work delays.
            int rounds = EventsPerRun / Pairs / 4;
            sim.Spawn("ping", PingPong(ping, pong, rounds, first: true));
            sim.Spawn("pong", PingPong(pong, ping, rounds, first: false));
        }
        sim.Run(long.MaxValue);
        return sim.EventsProcessed;
    }

    private static IEnumerable<Wait> DelayLoop(Prng prng, int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            yield return Wait.For((long)prng.NextBelow(10_000) + 1);
        }
    }

    private static IEnumerable<Wait> PingPong(WaitQueue mine, WaitQueue theirs, int rounds, bool first)
    {
        if (!first)
        {
            yield return Wait.On(mine, TaskState.Interruptible, "pipe_read");
        }
        for (int i = 0; i < rounds; i++)
        {
            yield return Wait.For(1);
            theirs.WakeUpOne();
            yield return Wait.On(mine, TaskState.Interruptible, "pipe_read");
        }
        theirs.WakeUpOne();
    }

    private static long Check(long events) =>
        events == EventsPerRun ? events : throw new InvalidOperationException($"processed {events} events, expected {EventsPerRun}");

    /// <summary>A timer that re-arms itself; the delegate is created once, so re-arming allocates nothing.</summary>
    private sealed class TimerChain
    {
        private readonly Simulator sim;
        private readonly Prng prng;
        private readonly Action tick;
        private int remaining;

        internal TimerChain(Simulator sim, Prng prng, int firings)
        {
            this.sim = sim;
            this.prng = prng;
            remaining = firings;
            tick = Tick;
        }

        internal void Arm() => sim.Schedule((long)prng.NextBelow(10_000) + 1, tick);

        private void Tick()
        {
            if (--remaining > 0)
            {
                Arm();
            }
        }
    }
}
