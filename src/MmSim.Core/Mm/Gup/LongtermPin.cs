using MmSim.Mm.Memory;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Gup;

/// <summary>mm/gup.c: pin_user_pages(FOLL_LONGTERM) of a fresh buffer, and its release.</summary>
internal static class LongtermPin
{
    /// <summary>
    /// Faults in and pins <paramref name="nrPages"/> pages at once (one pin_user_pages call); null when
    /// memory ran out, after releasing what was pinned, as the caller of a failed pin does.
    /// </summary>
    /// <remarks>
    /// mm/gup.c: __gup_longterm_locked runs under memalloc_pin_save(), so the faults allocate without
    /// __GFP_MOVABLE and never from CMA or ZONE_MOVABLE (<see cref="AnonVmaFlags.LongtermPin"/>).
    /// </remarks>
    public static AnonVma? Pin(PageAllocator alloc, Rmap.Rmap rmap, IAllocAccount stats, long nrPages, string name)
    {
        var vma = new AnonVma(alloc, rmap, stats, nrPages, new AnonVmaFlags(ThpMode.Never, ThpDefrag.Madvise, Locked: false, LongtermPin: true), name);
        for (long i = 0; i < nrPages; i++)
        {
            if (vma.HandleMmFault(i) == FaultResult.Oom)
            {
                Release(vma);
                return null;
            }
        }

        return vma;
    }

    /// <summary>unpin_user_pages, then munmap.</summary>
    public static void Release(AnonVma vma)
    {
        vma.UnpinAll();
        vma.UnmapAll();
    }
}
