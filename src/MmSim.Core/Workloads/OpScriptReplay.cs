using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Scenario;

namespace MmSim.Workloads;

/// <summary>
/// Replays an op script against the allocator: <c>alloc ID ORDER GFP</c> and <c>free ID</c> through the page allocator
/// (per-cpu lists and all), <c>alloc_pfn</c>, <c>free_pfn</c> and <c>claim_pfn</c> on the buddy free lists at the named PFN.
/// Failed allocations are counted; frees of IDs (or PFN blocks) that are not live are counted and ignored.
/// </summary>
/// <remarks>
/// The same script reproduces any allocator state and lets mmsim be compared with another
/// implementation operation by operation (e.g. a real kernel's kmem trace turned into a script).
/// </remarks>
public sealed class OpScriptReplay
{
    // A live id holds a UserPages handle; this marks an id with no block.
    private const int NotLive = int.MinValue;

    private readonly PageAllocator alloc;
    private readonly OpScript script;
    private readonly UserPages user;
    private readonly int[] liveHandle;
    private readonly byte[] liveOrder;
    private int next;

    /// <summary>Creates a replay positioned at the first entry.</summary>
    /// <param name="alloc">The allocator.</param>
    /// <param name="script">The parsed script.</param>
    /// <param name="kernel">The kernel, so movable blocks join a mapping and can migrate; null for allocator-only replays.</param>
    public OpScriptReplay(PageAllocator alloc, OpScript script, LinuxKernel? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(script);
        this.alloc = alloc;
        this.script = script;
        user = new UserPages(alloc, kernel, "ops", script.Ids.Count, PageFlags.Lru);
        liveHandle = new int[script.Ids.Count];
        liveOrder = new byte[script.Ids.Count];
        Array.Fill(liveHandle, NotLive);
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
        switch (e.Kind)
        {
            case OpKind.AllocPfn:
                Stats.CountAlloc(e.Order, !alloc.TakeBlockAtPfn(e.IdIndex, e.Order));
                return;
            case OpKind.FreePfn:
                // A block whose alloc_pfn failed here (the replayed machine had it in use) is a counted no-op.
                if (alloc.FreeBlockAtPfn(e.IdIndex, e.Order))
                {
                    Stats.Frees++;
                }
                else
                {
                    Stats.FreesIgnored++;
                }

                return;
            case OpKind.ClaimPfn:
                if (!alloc.ClaimBlockAtPfn(e.IdIndex, e.Order, (MigrateType)e.GfpMask))
                {
                    Stats.AddMetric("claims_failed", 1);
                }

                return;
        }

        if (e.Kind == OpKind.Free)
        {
            int handle = liveHandle[e.IdIndex];
            if (handle == NotLive)
            {
                Stats.FreesIgnored++;
                return;
            }

            user.Free(handle, liveOrder[e.IdIndex]);
            liveHandle[e.IdIndex] = NotLive;
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

        liveHandle[e.IdIndex] = user.Add(p, e.Order, UserPages.IsMovable(alloc, gfp));
        liveOrder[e.IdIndex] = e.Order;
    }
}
