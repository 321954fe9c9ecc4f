using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Workloads;

/// <summary>
/// Random allocator churn: allocate while the held share of managed memory is below the fill
/// target, otherwise free a uniformly chosen live block. Orders and gfp masks are drawn from
/// weighted tables. Movable allocations are marked as LRU pages, as anonymous and page-cache memory
/// would be; the rest are non-LRU kernel pages.
/// </summary>
public sealed class ChurnWorkload
{
    private readonly PageAllocator alloc;
    private readonly Prng prng;
    private readonly long fillPages;
    private readonly WeightedTable<int> orderTable;
    private readonly WeightedTable<GfpFlags> gfpTable;
    private readonly LiveBlocks live;
    private readonly UserPages user;

    /// <summary>Creates the workload.</summary>
    /// <param name="alloc">The allocator.</param>
    /// <param name="prng">This workload's random stream.</param>
    /// <param name="fillBasisPoints">Target share of managed memory, in 1/10000.</param>
    /// <param name="orders">(order, weight) pairs.</param>
    /// <param name="gfps">(mask, weight) pairs.</param>
    /// <param name="kernel">The kernel, so movable blocks join a mapping and can migrate; null for allocator-only runs.</param>
    public ChurnWorkload(PageAllocator alloc, Prng prng, int fillBasisPoints, IReadOnlyList<(int Order, long Weight)> orders, IReadOnlyList<(GfpFlags Gfp, long Weight)> gfps,
        LinuxKernel? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(prng);
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(gfps);
        this.alloc = alloc;
        this.prng = prng;
        fillPages = alloc.Node.ManagedPages * fillBasisPoints / 10_000;
        orderTable = new WeightedTable<int>(orders);
        gfpTable = new WeightedTable<GfpFlags>(gfps);
        live = new LiveBlocks(1024);
        user = new UserPages(alloc, kernel, "churn", 1024, PageFlags.Lru);
    }

    /// <summary>Counts so far.</summary>
    public WorkloadStats Stats { get; } = new();

    /// <summary>Pages currently held.</summary>
    public long HeldPages => live.Pages;

    /// <summary>Runs one operation (an allocation or a free).</summary>
    public void Step()
    {
        if (live.Count > 0 && live.Pages >= fillPages)
        {
            (int handle, int order) = live.RemoveAt((int)prng.NextBelow((ulong)live.Count));
            user.Free(handle, order);
            Stats.Frees++;
            return;
        }

        int o = orderTable.Pick(prng);
        GfpFlags gfp = gfpTable.Pick(prng);
        int p = alloc.AllocPages(gfp, o, OwnerKind.Script, 0);
        Stats.CountAlloc(o, p < 0);
        if (p < 0)
        {
            return;
        }

        live.Add(user.Add(p, o, UserPages.IsMovable(alloc, gfp)), o);
    }

    /// <summary>Frees every block still held (end of run, for leak checks).</summary>
    public void FreeAll()
    {
        while (live.Count > 0)
        {
            (int handle, int order) = live.RemoveAt(live.Count - 1);
            user.Free(handle, order);
        }
    }
}
