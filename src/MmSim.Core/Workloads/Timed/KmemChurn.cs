using MmSim.Scenario;
using MmSim.Sim;
using SimDistribution = MmSim.Sim.Distribution;

namespace MmSim.Workloads.Timed;

/// <summary>
/// Kernel memory that comes and goes: blocks allocated at Poisson arrival times, each freed after a
/// lifetime drawn for it. One task keeps the blocks in a deadline heap and sleeps until the next
/// arrival or expiry, whichever is first. The allocation itself is the caller's (a slab, a network
/// buffer).
/// </summary>
internal sealed class KmemChurn
{
    private readonly DeadlineHeap live = new();
    private readonly WeightedTable<int> orders;
    private long seq;

    /// <param name="orders">Weights of the orders to allocate.</param>
    /// <param name="arrivals">Gaps between allocations.</param>
    /// <param name="lifetime">Lifetime of each block.</param>
    public KmemChurn(ValueList<OrderWeight> orders, SimDistribution arrivals, SimDistribution lifetime)
    {
        this.orders = new WeightedTable<int>(orders.Select(w => (w.Order, w.Weight)));
        Arrivals = arrivals;
        Lifetime = lifetime;
    }

    /// <summary>Gaps between allocations.</summary>
    public SimDistribution Arrivals { get; }

    /// <summary>Lifetime of each block.</summary>
    public SimDistribution Lifetime { get; }

    /// <summary>Pages held now.</summary>
    public long Pages { get; private set; }

    /// <summary>
    /// The task body: from <paramref name="startNs"/> on, at each arrival awaits <paramref name="allocate"/>
    /// with an order drawn from the weights (a kernel path that may sleep, leaving the block's PFN or −1 in
    /// <see cref="Mm.TaskContext.Ret"/>), and at each expiry calls <paramref name="free"/>.
    /// </summary>
    public IEnumerable<Wait> Run(WorkloadContext ctx, Prng prng, long startNs, Func<int, IEnumerable<Wait>> allocate, Action<int, int> free)
    {
        long nextArrivalNs = Math.Max(startNs, ctx.Sim.Now);
        while (true)
        {
            bool expiryFirst = live.TryPeekDeadline(out long dueNs) && dueNs <= nextArrivalNs;
            long wakeNs = expiryFirst ? dueNs : nextArrivalNs;
            if (TaskWaits.TrySleepUntil(ctx.Sim, wakeNs, out Wait sleep))
            {
                yield return sleep;
            }

            if (expiryFirst)
            {
                (int pfn, int order) = live.Pop();
                Pages -= 1L << order;
                free(pfn, order);
                continue;
            }

            yield return Wait.Call(allocate(orders.Pick(prng)));
            int got = ctx.Kernel.Current.Ret;
            if (got >= 0)
            {
                int gotOrder = ctx.Alloc.Node.Pages[got].Order;
                Pages += 1L << gotOrder;
                live.Push(TaskRandom.After(ctx.Sim.Now, Lifetime.Sample(prng)), seq++, got, gotOrder);
            }

            nextArrivalNs = TaskRandom.After(ctx.Sim.Now, Arrivals.Sample(prng));
        }
    }

    /// <summary>
    /// A shrinker scanned <paramref name="nrPages"/> objects (one per page): frees blocks, those due to expire
    /// soonest first, until that many pages went; returns the pages freed.
    /// </summary>
    public long FreeSome(long nrPages, Action<int, int> free)
    {
        long freed = 0;
        while (freed < nrPages && live.Count > 0)
        {
            (int pfn, int order) = live.Pop();
            free(pfn, order);
            freed += 1L << order;
        }

        Pages -= freed;
        return freed;
    }

    /// <summary>Frees every live block at once (a shrinker emptied the cache); returns the pages freed.</summary>
    public long FreeAll(Action<int, int> free)
    {
        long pages = Pages;
        while (live.Count > 0)
        {
            (int pfn, int order) = live.Pop();
            free(pfn, order);
        }

        Pages = 0;
        return pages;
    }
}
