// mm/cma.c: the contiguous memory allocator. Areas are reserved at boot (Mm/PageAlloc/MmInit: their
// pageblocks are MIGRATE_CMA and serve movable allocations meanwhile); cma_alloc finds a free
// aligned range in an area's bitmap and empties it with alloc_contig_range (Mm/Contig), trying the
// next candidate range while the busy one fails with -EBUSY; cma_release gives the pages back.
using MmSim.Mm.Contig;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Cma;

/// <summary>The node's CMA areas and cma_alloc / cma_release over them.</summary>
/// <remarks>mm/cma.c: cma_alloc, __cma_alloc, cma_range_alloc, cma_release, cma_clear_bitmap. The vm
/// events CMA_ALLOC_SUCCESS/FAIL are kept here (<see cref="AllocSuccess"/>, <see cref="AllocFail"/>):
/// mmsim's /proc/vmstat follows a 6.18 sample built without them.</remarks>
public sealed class CmaAllocator
{
    private readonly ContigAlloc contig;
    private readonly Simulator sim;
    private readonly CmaArea[] areas;

    /// <summary>Creates the areas boot placed on <paramref name="node"/>.</summary>
    /// <param name="node">The node (its <see cref="PgData.CmaAreas"/>).</param>
    /// <param name="contig">Contiguous allocation.</param>
    /// <param name="sim">The clock, for each call's latency.</param>
    public CmaAllocator(PgData node, ContigAlloc contig, Simulator sim)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(contig);
        ArgumentNullException.ThrowIfNull(sim);
        this.contig = contig;
        this.sim = sim;
        areas = new CmaArea[node.CmaAreas.Count];
        for (int i = 0; i < areas.Length; i++)
        {
            CmaAreaRange r = node.CmaAreas[i];
            areas[i] = new CmaArea(r.Name, r.BasePfn, r.Count);
        }
    }

    /// <summary>Receiver of the cma tracepoints, or null.</summary>
    public ICmaTrace? Trace { get; set; }

    /// <summary>The areas, in ascending PFN order.</summary>
    public IReadOnlyList<CmaArea> Areas => areas;

    /// <summary>cma_alloc_success: pages of the calls that succeeded (count_vm_events(CMA_ALLOC_SUCCESS, count)).</summary>
    public long AllocSuccess { get; private set; }

    /// <summary>cma_alloc_fail: pages of the calls that failed (count_vm_events(CMA_ALLOC_FAIL, count)).</summary>
    public long AllocFail { get; private set; }

    /// <summary>The area named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The area's name.</param>
    /// <returns>The area.</returns>
    public CmaArea? Find(string name)
    {
        foreach (CmaArea a in areas)
        {
            if (a.Name == name)
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>
    /// cma_alloc: allocates <paramref name="count"/> pages of <paramref name="cma"/> aligned to
    /// 2^<paramref name="align"/> pages; <see cref="TaskContext.AllocResult"/> is the first PFN, or −1.
    /// </summary>
    /// <param name="current">The allocating task (it may sleep in migration).</param>
    /// <param name="cma">The area.</param>
    /// <param name="count">Pages.</param>
    /// <param name="align">Alignment order.</param>
    /// <param name="noWarn">no_warn (adds __GFP_NOWARN).</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/cma.c: cma_alloc → __cma_alloc (gfp GFP_KERNEL) → cma_range_alloc. Nothing is counted for
    /// count 0, as the kernel returns before its counters.</remarks>
    public IEnumerable<Wait> CmaAlloc(TaskContext current, CmaArea cma, long count, int align, bool noWarn = false)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(cma);
        current.AllocResult = -1;
        if (count <= 0)
        {
            yield break;
        }

        long startNs = sim.Now;
        Trace?.CmaAllocStart(cma.Name, count, cma.AvailableCount, cma.Count, align);
        var range = new CmaRangeAlloc();
        GfpFlags gfp = GfpFlags.Kernel | (noWarn ? GfpFlags.NoWarn : 0);
        yield return Wait.Call(CmaRangeAllocate(current, cma, count, align, gfp, range));
        Trace?.CmaAllocFinish(cma.Name, range.Pfn, count, align, range.Ret);
        if (range.Pfn >= 0)
        {
            AllocSuccess += count;
            cma.AllocPagesSuccess += count;
        }
        else
        {
            AllocFail += count;
            cma.AllocPagesFail += count;
        }

        cma.AddCall(new CmaAllocCall(startNs, sim.Now, count, range.Pfn, range.Ret, range.RangesTried));
        current.AllocResult = range.Pfn;
    }

    // mm/cma.c: cma_range_alloc — search the bitmap from start, claim the bits, run alloc_contig_range;
    // on -EBUSY clear the bits and search again from bitmap_no + mask + 1; any other error stops.
    private IEnumerable<Wait> CmaRangeAllocate(TaskContext current, CmaArea cma, long count, int align, GfpFlags gfp, CmaRangeAlloc r)
    {
        long mask = align > cma.OrderPerBit ? (1L << (align - cma.OrderPerBit)) - 1 : 0;
        long offset = (cma.BasePfn & ((1L << align) - 1)) >> cma.OrderPerBit;
        long maxno = cma.Count >> cma.OrderPerBit;
        long bitmapCount = count >> cma.OrderPerBit;
        r.Ret = -Errno.EBUSY;
        if (bitmapCount > maxno)
        {
            yield break;
        }

        var result = new ContigResult();
        for (long start = 0; ;)
        {
            // A request larger than what is left stops at once.
            if (count > cma.AvailableCount)
            {
                break;
            }

            long bitmapNo = cma.FindNextZeroAreaOff(maxno, start, bitmapCount, mask, offset);
            if (bitmapNo >= maxno)
            {
                break;
            }

            int pfn = cma.BasePfn + (int)(bitmapNo << cma.OrderPerBit);
            cma.SetBits((int)bitmapNo, (int)bitmapCount, true);
            cma.AvailableCount -= count;
            r.RangesTried++;
            yield return Wait.Call(contig.AllocContigRange(current, pfn, pfn + (int)count, cma: true, gfp, OwnerKind.Contig, result));
            r.Ret = result.Ret;
            if (result.Ret == 0)
            {
                r.Pfn = pfn;
                break;
            }

            ClearBitmap(cma, pfn, count);
            if (result.Ret != -Errno.EBUSY)
            {
                break;
            }

            // The next candidate starts past this one.
            Trace?.CmaAllocBusyRetry(cma.Name, pfn, count, align);
            start = bitmapNo + mask + 1;
        }
    }

    /// <summary>cma_release: frees pages from <see cref="CmaAlloc"/> and clears their bits.</summary>
    /// <param name="cma">The area.</param>
    /// <param name="pfn">First PFN.</param>
    /// <param name="count">Pages.</param>
    /// <returns>False when the range is not inside the area (nothing is freed).</returns>
    /// <remarks>mm/cma.c: cma_release → free_contig_range, cma_clear_bitmap.</remarks>
    public bool CmaRelease(CmaArea cma, int pfn, long count)
    {
        ArgumentNullException.ThrowIfNull(cma);
        if (count > cma.Count || !cma.Contains(pfn, count))
        {
            return false;
        }

        contig.FreeContigRange(pfn, count);
        ClearBitmap(cma, pfn, count);
        cma.ReleasePages += count;
        Trace?.CmaRelease(cma.Name, pfn, count);
        return true;
    }

    // mm/cma.c: cma_clear_bitmap.
    private static void ClearBitmap(CmaArea cma, int pfn, long count)
    {
        cma.SetBits((pfn - cma.BasePfn) >> cma.OrderPerBit, (int)(count >> cma.OrderPerBit), false);
        cma.AvailableCount += count;
    }

    // The out-parameters of cma_range_alloc.
    private sealed class CmaRangeAlloc
    {
        public int Pfn { get; set; } = -1;

        public int Ret { get; set; }

        public int RangesTried { get; set; }
    }
}
