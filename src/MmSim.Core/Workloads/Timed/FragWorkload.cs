using MmSim.Kernel;
using MmSim.Mm.Folio;
using MmSim.Mm.Memory;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>frag</c> preset: at its time, lays down the fragmentation pattern and holds it until the run ends.</summary>
/// <param name="config">The resolved preset.</param>
/// <param name="stats">Where to count; a preset that includes frag passes its own.</param>
internal sealed class FragWorkload(FragWorkloadConfig config, WorkloadStats? stats = null) : ITimedWorkload
{
    private WorkloadContext? ctx;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = stats ?? new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Body);
    }

    private IEnumerable<Wait> Body(TaskHandle self)
    {
        WorkloadContext run = ctx!;
        if (TaskWaits.TrySleepUntil(run.Sim, config.AtNs, out Wait sleep))
        {
            yield return sleep;
        }

        Frag.LayDown(run, Stats, config.Fill, config.Keep, config.Pattern, self.Task.Pid, out _);
        yield return TaskWaits.Pause(config.Type, self.Task.Pid);
    }
}

/// <summary>The fragmentation pattern of <c>frag</c>, laid down in one go.</summary>
internal static class Frag
{
    /// <summary>Metric: order-0 pages kept.</summary>
    public const string KeptPages = "frag_kept_pages";

    /// <summary>Metric: order-0 pages freed again.</summary>
    public const string FreedPages = "frag_freed_pages";

    /// <summary>Metric: whole free 2 MiB blocks taken after the fill.</summary>
    public const string BlocksTaken = "frag_blocks_taken";

    private const GfpFlags FillGfp = GfpFlags.HighUserMovable;

    /// <summary>
    /// Fills memory with order-0 movable LRU pages up to <paramref name="fill"/> of managed memory,
    /// frees all but <paramref name="keep"/> of every 2 MiB chunk, and, if the allocator stopped the fill,
    /// takes the whole free 2 MiB blocks its watermark reserve kept back. Also gives back the node's
    /// managed pages (the basis of the fill share), so a caller need not sum the zones again.
    /// </summary>
    /// <returns>The blocks held (the kept pages and the taken blocks), as handles of the workload's
    /// mapping: the pages are anonymous-like LRU folios in it, so migration can move them.</returns>
    public static LiveBlocks LayDown(WorkloadContext ctx, WorkloadStats stats, Percent fill, Percent keep, FragPattern pattern, int ownerId, out long managed)
    {
        PageAllocator alloc = ctx.Alloc;
        managed = alloc.Node.ManagedPages;
        var held = new LiveBlocks((int)Math.Min(managed, 1 << 20));
        var user = new UserPages(alloc, ctx.Kernel, $"frag:{ownerId}", (int)Math.Min(managed, 1 << 20), PageFlags.Lru | PageFlags.SwapBacked);
        bool refused = Fill(alloc, user, stats, fill.Of(managed), held);
        int keepPerChunk = (int)Math.Max(1, keep.Of(HugeMemory.HpagePmdNr));
        var kept = new LiveBlocks(held.Count / 2 + 16);
        long freed = 0;
        for (int i = 0; i < held.Count; i++)
        {
            (int handle, int order) = held[i];
            if (Keeps(user.Pfn(handle) & (HugeMemory.HpagePmdNr - 1), keepPerChunk, pattern))
            {
                kept.Add(handle, order);
                continue;
            }

            user.Free(handle, order);
            freed++;
        }

        held.Clear();

        stats.Frees += freed;
        stats.AddMetric(KeptPages, kept.Pages);
        stats.AddMetric(FreedPages, freed);
        if (refused)
        {
            stats.AddMetric(BlocksTaken, TakeWholeBlocks(alloc, user, stats, kept, managed));
        }

        return kept;
    }

    /// <summary>Whether page <paramref name="offset"/> of a chunk is kept: <paramref name="k"/> per chunk, spread evenly or at the head.</summary>
    public static bool Keeps(int offset, int k, FragPattern pattern) =>
        pattern == FragPattern.Head ? offset < k : offset * k % HugeMemory.HpagePmdNr < k;

    // Returns true when the allocator refused before the target was reached.
    private static bool Fill(PageAllocator alloc, UserPages user, WorkloadStats stats, long targetPages, LiveBlocks held)
    {
        while (held.Pages < targetPages)
        {
            int pfn = alloc.AllocPages(FillGfp, 0, OwnerKind.Anon, 0);
            stats.CountAlloc(0, pfn < 0);
            if (pfn < 0)
            {
                return true;
            }

            held.Add(user.Add(pfn, 0, movable: true), 0);
        }

        return false;
    }

    // The reserve below the min watermark stays in whole blocks; once the frees lift the zone above
    // its watermarks those blocks are the only order-9 memory left, and the pattern takes them. A
    // free block can also sit on a per-cpu list, where an order-9 watermark check does not see it:
    // the pcp lists are drained (drain_all_pages) and the blocks taken until none is left.
    private static long TakeWholeBlocks(PageAllocator alloc, UserPages user, WorkloadStats stats, LiveBlocks held, long managed)
    {
        long taken = 0;
        long before;
        do
        {
            before = taken;
            alloc.DrainAllPages();
            taken += TakeFreeBlocks(alloc, user, stats, held, managed);
        }
        while (taken > before);

        return taken;
    }

    private static long TakeFreeBlocks(PageAllocator alloc, UserPages user, WorkloadStats stats, LiveBlocks held, long managed)
    {
        long taken = 0;
        for (long i = 0; i <= managed >> HugeMemory.HpagePmdOrder; i++)
        {
            int pfn = alloc.AllocPages(FillGfp | GfpFlags.Comp, HugeMemory.HpagePmdOrder, OwnerKind.Anon, 0);
            if (pfn < 0)
            {
                break;
            }

            stats.CountAlloc(HugeMemory.HpagePmdOrder, failed: false);
            held.Add(user.Add(pfn, HugeMemory.HpagePmdOrder, movable: true), HugeMemory.HpagePmdOrder);
            taken++;
        }

        return taken;
    }
}
