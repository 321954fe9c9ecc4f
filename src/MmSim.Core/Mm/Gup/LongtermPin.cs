using MmSim.Mm.Memory;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Gup;

/// <summary>mm/gup.c: pin_user_pages(FOLL_LONGTERM) of a fresh buffer, and its release.</summary>
internal static class LongtermPin
{
    /// <summary>
    /// Faults in and pins every page of <paramref name="vma"/> at once (one pin_user_pages call). On
    /// success <see cref="TaskContext.Ret"/> is 1; when memory runs out what was pinned is released and
    /// unmapped, as the caller of a failed pin does, and it is 0.
    /// </summary>
    /// <param name="pa">Allocation for the pinning task (its context gets the pin scope).</param>
    /// <param name="vma">A fresh mapping made with <see cref="AnonVmaFlags.LongtermPin"/>.</param>
    /// <returns>The coroutine the pinning task awaits.</returns>
    /// <remarks>
    /// mm/gup.c: __gup_longterm_locked runs under memalloc_pin_save(), so the faults allocate without
    /// __GFP_MOVABLE (current_gfp_context) and never from CMA or ZONE_MOVABLE.
    /// </remarks>
    public static IEnumerable<Wait> Pin(IAllocPagesWait pa, AnonVma vma)
    {
        TaskContext current = pa.Current;
        TaskFlags saved = current.MemallocSave(TaskFlags.MemallocPin);
        bool ok = true;
        for (long i = 0; i < vma.NrPages && ok; i++)
        {
            yield return Wait.Call(vma.HandleMmFault(i));
            ok = current.Ret != (int)FaultResult.Oom;
        }

        current.MemallocRestore(TaskFlags.MemallocPin, saved);
        if (!ok)
        {
            Release(vma);
        }

        current.Ret = ok ? 1 : 0;
    }

    /// <summary>unpin_user_pages, then munmap.</summary>
    /// <param name="vma">The pinned buffer.</param>
    public static void Release(AnonVma vma)
    {
        vma.UnpinAll();
        vma.UnmapAll();
    }
}
