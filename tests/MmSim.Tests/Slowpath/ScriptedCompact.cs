using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Tests.Slowpath;

/// <summary>
/// A compaction mechanism that answers each direct compaction with the next scripted result (the last
/// one repeats), records the order and priority of every call, and can run an action on each call
/// (e.g. to free memory, or to check invariants).
/// </summary>
internal sealed class ScriptedCompact : ICompact
{
    private readonly CompactResult[] script;

    public ScriptedCompact(params CompactResult[] script)
    {
        this.script = script.Length == 0 ? [CompactResult.Complete] : script;
    }

    /// <summary>Every direct compaction: (order, priority).</summary>
    public List<(int Order, CompactPriority Priority)> Calls { get; } = [];

    /// <summary>The priorities of the calls, in order.</summary>
    public CompactPriority[] Priorities => [.. Calls.Select(c => c.Priority)];

    /// <summary>Simulated time each call costs (the slowpath sleeps it).</summary>
    public long CostNs { get; init; }

    /// <summary>Run on each call, before the result is set.</summary>
    public Action<CompactControl>? OnCall { get; set; }

    /// <summary>compaction_defer_reset calls with allocSuccess (from __alloc_pages_direct_compact).</summary>
    public int DeferResets { get; private set; }

    public IEnumerable<Wait> CompactZone(PageAllocator alloc, CompactControl cc)
    {
        cc.Result = CompactResult.Skipped;
        return [];
    }

    public IEnumerable<Wait> TryToCompactPages(PageAllocator alloc, CompactControl cc)
    {
        Calls.Add((cc.Order, cc.Priority));
        OnCall?.Invoke(cc);
        cc.Result = script[Math.Min(Calls.Count - 1, script.Length - 1)];
        cc.CostNs = CostNs;
        return [];
    }

    public bool CompactionDeferred(Zone zone, int order) => false;

    public void DeferCompaction(Zone zone, int order)
    {
    }

    public void CompactionDeferReset(Zone zone, int order, bool allocSuccess)
    {
        if (allocSuccess)
        {
            DeferResets++;
        }
    }

    public void ResetIsolationSuitable(PgData pgdat)
    {
    }

    public void IsolatedFreeBlocks(List<(int Pfn, int Order)> into)
    {
    }
}
