using MmSim.Mm;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Tests.Runs;

/// <summary>What a test timed workload does.</summary>
internal enum TestBehaviour
{
    /// <summary>Tasks that allocate and free random orders and types through the allocator, holding memory near a fill level.</summary>
    Churn,

    /// <summary>A writer blocked forever (D) on a folio's writeback that a sleeping server never ends.</summary>
    BlockForever,

    /// <summary>A task that keeps sleeping 5 s in D state: slow, never hung.</summary>
    Slow,

    /// <summary>Two tasks taking two mutexes in opposite order (A↔B).</summary>
    Deadlock,
}

/// <summary>A timed workload config the scenario loader does not know: tests put it into a loaded config.</summary>
/// <param name="Behaviour">What it does.</param>
/// <param name="Tasks">Tasks (Churn).</param>
/// <param name="FillPercent">Target share of managed memory held (Churn).</param>
internal sealed record TestWorkloadConfig(TestBehaviour Behaviour, int Tasks = 2, int FillPercent = 60) : WorkloadConfig
{
    public override string Type => "test-" + Behaviour.ToString().ToLowerInvariant();
}

/// <summary>
/// Stand-in for the workload-task library (MmSim.Workloads.Timed.TimedWorkloads.Create), so the
/// runtime can be exercised before it lands: builds a <see cref="TestTimedWorkload"/> for a
/// <see cref="TestWorkloadConfig"/>.
/// </summary>
internal static class TestTimedWorkloads
{
    public static ITimedWorkload? Create(WorkloadConfig w) => w is TestWorkloadConfig t ? new TestTimedWorkload(t) : null;

    public static RunOptions Options(ulong? seed = null, long checkEvery = 0) =>
        new() { Seed = seed, CheckEvery = checkEvery, TimedWorkloads = Create };
}

internal sealed class TestTimedWorkload(TestWorkloadConfig config) : ITimedWorkload
{
    private static readonly GfpFlags[] Gfps = [GfpFlags.HighUserMovable, GfpFlags.Kernel, GfpFlags.Kernel | GfpFlags.Reclaimable];
    private static readonly int[] Orders = [0, 0, 0, 0, 1, 2, 3, 9];

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    public void Start(WorkloadContext ctx)
    {
        switch (config.Behaviour)
        {
            case TestBehaviour.Churn:
                long target = ctx.Alloc.Node.Zones.Sum(z => z.ManagedPages) * config.FillPercent / 100 / config.Tasks;
                for (int i = 0; i < config.Tasks; i++)
                {
                    ctx.Sim.Spawn($"churn{i}", Churn(ctx, ctx.Random.Split((ulong)i), target));
                }

                break;
            case TestBehaviour.BlockForever:
                var requests = new WaitQueue("fuse request queue");
                SimTask server = ctx.Sim.Spawn("fuse-server", Forever(requests, TaskState.Interruptible, "fuse_dev_do_read"));
                var writeback = new WaitQueue("folio 0x1000 writeback") { Releaser = server };
                ctx.Sim.Spawn("writer", Forever(writeback, TaskState.Uninterruptible, "folio_wait_writeback"));
                break;
            case TestBehaviour.Slow:
                ctx.Sim.Spawn("slowpoke", Slow());
                break;
            case TestBehaviour.Deadlock:
                var m1 = new SimMutex("inode_lock");
                var m2 = new SimMutex("fc_lock");
                ctx.Sim.Spawn("A", LockBoth(m1, m2));
                ctx.Sim.Spawn("B", LockBoth(m2, m1));
                break;
            default:
                throw new InvalidOperationException(config.Behaviour.ToString());
        }
    }

    private IEnumerable<Wait> Churn(WorkloadContext ctx, Prng rng, long targetPages)
    {
        var live = new List<(int Pfn, int Order)>();
        long held = 0;
        while (true)
        {
            yield return Wait.Sleep(SimTime.FromUs(50 + (long)rng.NextBelow(100)));
            if (held < targetPages || (live.Count > 0 && rng.NextBelow(2) == 0 && held < targetPages * 11 / 10))
            {
                int order = Orders[rng.NextBelow((ulong)Orders.Length)];
                Stats.Allocs++;
                int pfn = ctx.Alloc.AllocPages(Gfps[rng.NextBelow((ulong)Gfps.Length)], order);
                if (pfn < 0)
                {
                    // Memory is full: count the failure and make room, so the task keeps churning.
                    Stats.AllocFailures++;
                    Stats.AllocFailuresByOrder[order]++;
                    held -= FreeRandom(ctx, rng, live);
                    continue;
                }

                live.Add((pfn, order));
                held += 1L << order;
            }
            else
            {
                held -= FreeRandom(ctx, rng, live);
            }
        }
    }

    private long FreeRandom(WorkloadContext ctx, Prng rng, List<(int Pfn, int Order)> live)
    {
        if (live.Count == 0)
        {
            return 0;
        }

        int i = (int)rng.NextBelow((ulong)live.Count);
        (int pfn, int order) = live[i];
        live[i] = live[^1];
        live.RemoveAt(live.Count - 1);
        ctx.Alloc.FreePages(pfn, order);
        Stats.Frees++;
        return 1L << order;
    }

    private static IEnumerable<Wait> Forever(WaitQueue queue, TaskState state, string site)
    {
        yield return Wait.On(queue, state, site);
    }

    private static IEnumerable<Wait> Slow()
    {
        while (true)
        {
            yield return Wait.Sleep(SimTime.FromSeconds(5), TaskState.Uninterruptible, "msleep");
        }
    }

    private static IEnumerable<Wait> LockBoth(SimMutex first, SimMutex second)
    {
        yield return Wait.Lock(first);
        yield return Wait.For(SimTime.NsPerMs);
        yield return Wait.Lock(second);
        second.Unlock();
        first.Unlock();
    }
}

/// <summary>Scenarios for runtime tests: a loaded YAML scenario with test workloads put in.</summary>
internal static class TestScenarios
{
    public static ScenarioConfig With(string yaml, params WorkloadConfig[] workloads)
    {
        ScenarioConfig loaded = MmSim.Tests.Scenario.TestFiles.LoadOk(yaml);
        return loaded with { Workloads = new ValueList<WorkloadConfig>([.. loaded.Workloads, .. workloads]) };
    }

    /// <summary>A 1 GiB machine (DMA 16 MiB, DMA32 the rest) with <paramref name="extra"/> top-level YAML.</summary>
    public static string Machine1G(string extra = "") =>
        "version: 1\nname: runtime-test\nmachine:\n  zones:\n    - name: DMA\n      size: 16MiB\n      reserved: 1MiB\n"
        + "    - name: DMA32\n      size: 1008MiB\n" + extra;
}
