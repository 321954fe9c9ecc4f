using MmSim.Mm;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Bench.Runs;

/// <summary>
/// A synthetic timed workload for benchmarks until the workload-task library lands: tasks that each
/// wake every 10–100 µs, allocate (orders 0–3 and 9; movable, unmovable, reclaimable) while below
/// their share of the fill level and free a random block otherwise.
/// </summary>
internal sealed class SyntheticChurn(int tasks, int fillPercent) : ITimedWorkload
{
    private static readonly GfpFlags[] Gfps =
        [GfpFlags.HighUserMovable, GfpFlags.HighUserMovable, GfpFlags.HighUserMovable, GfpFlags.Kernel, GfpFlags.Kernel | GfpFlags.Reclaimable];

    private static readonly int[] Orders = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 9];

    public string Type => "synthetic-churn";

    public WorkloadStats Stats { get; } = new();

    public void Start(WorkloadContext ctx)
    {
        long managed = 0;
        foreach (Mm.PageAlloc.Zone z in ctx.Alloc.Node.Zones)
        {
            managed += z.ManagedPages;
        }

        long share = managed * fillPercent / 100 / tasks;
        for (int i = 0; i < tasks; i++)
        {
            ctx.Sim.Spawn("churn", Body(ctx, ctx.Random.Split((ulong)i), share));
        }
    }

    private IEnumerable<Wait> Body(WorkloadContext ctx, Prng rng, long sharePages)
    {
        var pfns = new List<int>();
        var orders = new List<int>();
        long held = 0;
        while (true)
        {
            yield return Wait.Sleep(SimTime.FromUs(10 + (long)rng.NextBelow(91)));
            if (held < sharePages)
            {
                int order = Orders[rng.NextBelow((ulong)Orders.Length)];
                int pfn = ctx.Alloc.AllocPages(Gfps[rng.NextBelow((ulong)Gfps.Length)], order);
                Stats.Allocs++;
                if (pfn >= 0)
                {
                    pfns.Add(pfn);
                    orders.Add(order);
                    held += 1L << order;
                    continue;
                }

                Stats.AllocFailures++;
            }

            if (pfns.Count > 0)
            {
                int i = (int)rng.NextBelow((ulong)pfns.Count);
                ctx.Alloc.FreePages(pfns[i], orders[i]);
                held -= 1L << orders[i];
                pfns[i] = pfns[^1];
                orders[i] = orders[^1];
                pfns.RemoveAt(pfns.Count - 1);
                orders.RemoveAt(orders.Count - 1);
                Stats.Frees++;
            }
        }
    }
}
