using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Scenario;

namespace MmSim.Workloads;

/// <summary>
/// Replays an op script against the allocator: <c>alloc ID ORDER GFP</c> and <c>free ID</c>.
/// Failed allocations are counted; frees of IDs that are not live are counted and ignored.
/// </summary>
/// <remarks>
/// The same script reproduces any allocator state and lets mmsim be compared with another
/// implementation operation by operation (e.g. a real kernel's kmem trace turned into a script).
/// </remarks>
public sealed class OpScriptReplay
{
    private readonly PageAllocator alloc;
    private readonly OpScript script;
    private readonly int[] livePfn;
    private readonly byte[] liveOrder;
    private int next;

    /// <summary>Creates a replay positioned at the first entry.</summary>
    /// <param name="alloc">The allocator.</param>
    /// <param name="script">The parsed script.</param>
    public OpScriptReplay(PageAllocator alloc, OpScript script)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(script);
        this.alloc = alloc;
        this.script = script;
        livePfn = new int[script.Ids.Count];
        liveOrder = new byte[script.Ids.Count];
        Array.Fill(livePfn, -1);
    }

    /// <summary>Counts so far.</summary>
    public WorkloadStats Stats { get; } = new();

    /// <summary>True when every entry has run.</summary>
    public bool Done => next >= script.Entries.Count;

    /// <summary>Number of entries.</summary>
    public int Count => script.Entries.Count;

    /// <summary>Runs the next entry.</summary>
    public void Step()
    {
        OpScriptEntry e = script.Entries[next++];
        if (e.Kind == OpKind.Free)
        {
            int pfn = livePfn[e.IdIndex];
            if (pfn < 0)
            {
                Stats.FreesIgnored++;
                return;
            }

            alloc.FreePages(pfn, liveOrder[e.IdIndex]);
            livePfn[e.IdIndex] = -1;
            Stats.Frees++;
            return;
        }

        var gfp = (GfpFlags)e.GfpMask;
        int p = alloc.AllocPages(gfp, e.Order, OwnerKind.Script, 0);
        Stats.CountAlloc(e.Order, p < 0);
        if (p < 0)
        {
            return;
        }

        MarkLruIfMovable(alloc, p, gfp);
        livePfn[e.IdIndex] = p;
        liveOrder[e.IdIndex] = e.Order;
    }

    /// <summary>
    /// A MOVABLE allocation stands for anonymous or page-cache memory, which sits on an LRU list:
    /// that is what the kernel counts as movable (prep_move_freepages_block, compaction).
    /// </summary>
    /// <param name="alloc">The allocator.</param>
    /// <param name="pfn">Head PFN.</param>
    /// <param name="gfp">The allocation's flags.</param>
    internal static void MarkLruIfMovable(PageAllocator alloc, int pfn, GfpFlags gfp)
    {
        if (Gfp.Migratetype(gfp, alloc.Options.GroupByMobilityDisabled) == MigrateType.Movable)
        {
            alloc.Node.Pages[pfn].Set(PageFlags.Lru);
        }
    }
}
