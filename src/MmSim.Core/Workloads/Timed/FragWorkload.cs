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
    /// <returns>The blocks held (the kept pages and the taken blocks).</returns>
    public static LiveBlocks LayDown(WorkloadContext ctx, WorkloadStats stats, Percent fill, Percent keep, FragPattern pattern, int ownerId, out long managed)
    {
        PageAllocator alloc = ctx.Alloc;
        managed = alloc.Node.ManagedPages;
        var held = new LiveBlocks((int)Math.Min(managed, 1 << 20));

        // The pages are a process's anonymous memory: mapped through one mapping, so migration can move them
        // (and update the mapping) as it moves any mapped anonymous folio.
        var vma = new FragMapping(ctx.Kernel, ctx.Kernel.Mappings.Register(new SlotMapping($"frag:{ownerId}", (int)Math.Min(managed, int.MaxValue))));
        bool refused = Fill(alloc, stats, fill.Of(managed), held, vma);
        int keepPerChunk = (int)Math.Max(1, keep.Of(HugeMemory.HpagePmdNr));
        var kept = new LiveBlocks(held.Count / 2 + 16);
        long freed = 0;
        for (int i = 0; i < held.Count; i++)
        {
            (int pfn, int order) = held[i];
            if (Keeps(pfn & (HugeMemory.HpagePmdNr - 1), keepPerChunk, pattern))
            {
                kept.Add(pfn, order);
                continue;
            }

            vma.Free(pfn);
            freed++;
        }

        held.Clear();

        stats.Frees += freed;
        stats.AddMetric(KeptPages, kept.Pages);
        stats.AddMetric(FreedPages, freed);
        if (refused)
        {
            stats.AddMetric(BlocksTaken, TakeWholeBlocks(alloc, stats, kept, managed, vma));
        }

        return kept;
    }

    /// <summary>Whether page <paramref name="offset"/> of a chunk is kept: <paramref name="k"/> per chunk, spread evenly or at the head.</summary>
    public static bool Keeps(int offset, int k, FragPattern pattern) =>
        pattern == FragPattern.Head ? offset < k : offset * k % HugeMemory.HpagePmdNr < k;

    // Returns true when the allocator refused before the target was reached.
    private static bool Fill(PageAllocator alloc, WorkloadStats stats, long targetPages, LiveBlocks held, FragMapping vma)
    {
        while (held.Pages < targetPages)
        {
            int pfn = alloc.AllocPages(FillGfp, 0, OwnerKind.Anon, 0);
            stats.CountAlloc(0, pfn < 0);
            if (pfn < 0)
            {
                return true;
            }

            vma.Map(pfn, 0);
            held.Add(pfn, 0);
        }

        return false;
    }

    // The reserve below the min watermark stays in whole blocks; once the frees lift the zone above
    // its watermarks those blocks are the only order-9 memory left, and the pattern takes them. A
    // free block can also sit on a per-cpu list, where an order-9 watermark check does not see it:
    // the pcp lists are drained (drain_all_pages) and the blocks taken until none is left.
    private static long TakeWholeBlocks(PageAllocator alloc, WorkloadStats stats, LiveBlocks held, long managed, FragMapping vma)
    {
        long taken = 0;
        long before;
        do
        {
            before = taken;
            alloc.DrainAllPages();
            taken += TakeFreeBlocks(alloc, stats, held, managed, vma);
        }
        while (taken > before);

        return taken;
    }

    private static long TakeFreeBlocks(PageAllocator alloc, WorkloadStats stats, LiveBlocks held, long managed, FragMapping vma)
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
            vma.Map(pfn, HugeMemory.HpagePmdOrder);
            held.Add(pfn, HugeMemory.HpagePmdOrder);
            taken++;
        }

        return taken;
    }
}

/// <summary>The anonymous mapping frag's pages live in (folio_add_new_anon_rmap on fault, zap on munmap).</summary>
/// <param name="Kernel">The kernel.</param>
/// <param name="Mapping">The registered mapping.</param>
internal readonly record struct FragMapping(LinuxKernel Kernel, SlotMapping Mapping)
{
    /// <summary>Maps a freshly allocated anonymous folio: an LRU, swap-backed, mapped page of the mapping.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <param name="order">Order.</param>
    public void Map(int pfn, int order)
    {
        int index = Mapping.Insert(pfn, order);
        Kernel.Rmap.SetFolioMapping(pfn, Mapping, index);
        Kernel.Node.Pages[pfn].Set(PageFlags.Lru | PageFlags.SwapBacked | PageFlags.Mapped);
    }

    /// <summary>Unmaps and frees a folio (munmap of the page).</summary>
    /// <param name="pfn">Head PFN.</param>
    public void Free(int pfn) => Kernel.Migrate.FolioPutMapped(pfn);
}
