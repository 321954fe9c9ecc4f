using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Sim;

namespace MmSim.Tests.Slowpath;

/// <summary>
/// Direct reclaim that reports progress: each call frees the pages a test queued (through the
/// allocator, so order-0 pages land on the per-cpu lists) and reports <see cref="ReportedProgress"/>
/// pages (at least what it freed), so the slowpath's progress-dependent retries can be driven.
/// </summary>
internal sealed class ScriptedReclaim : IReclaim
{
    /// <summary>Order-0 pages the next call frees.</summary>
    public Queue<int> ToFree { get; } = new();

    /// <summary>Pages each call reports reclaimed even when it freed fewer.</summary>
    public long ReportedProgress { get; init; } = 1;

    /// <summary>Calls after which progress is no longer reported (unless pages were freed).</summary>
    public int ProgressCalls { get; init; } = int.MaxValue;

    public int Calls { get; private set; }

    /// <summary>The order of every call.</summary>
    public List<int> Orders { get; } = [];

    public IEnumerable<Wait> ShrinkNode(PageAllocator alloc, ScanControl sc) => [];

    public IEnumerable<Wait> TryToFreePages(PageAllocator alloc, ScanControl sc)
    {
        Calls++;
        Orders.Add(sc.Order);
        long freed = 0;
        while (ToFree.Count > 0)
        {
            alloc.FreePages(ToFree.Dequeue(), 0);
            freed++;
        }

        sc.NrReclaimed += Math.Max(freed, Calls <= ProgressCalls ? ReportedProgress : 0);
        return [];
    }
}
