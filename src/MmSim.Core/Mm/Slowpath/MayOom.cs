using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Slowpath;

// __alloc_pages_may_oom: the last freelist attempt at the high watermark, then the OOM killer.
public sealed partial class AllocSlowpath
{
    // mm/page_alloc.c: __alloc_pages_may_oom. The oom_lock is never contended here (nothing sleeps while
    // it is held), so the trylock always succeeds.
    //
    // SEAM (the OOM killer arrives with the reclaim issue): out_of_memory() is not modelled. Reaching it
    // is recorded (WouldOom, OnWouldOom) and it makes no progress, as when the kernel finds no victim;
    // a __GFP_NOFAIL request then still counts as progress (WARN_ON_ONCE_GFP) and dips into all reserves.
    private void MayOom(SlowpathState s)
    {
        s.DidSomeProgress = 0;

        // One more attempt at a very high watermark, only to catch a parallel OOM kill.
        s.Page = alloc.GetPageFromFreelistWithFlags(s.Order, AllocFlags.WmarkHigh | AllocFlags.Cpuset, s.Ac);
        if (s.Page >= 0)
        {
            return;
        }

        // The OOM killer will not help higher-order allocations; RETRY_MAYFAIL and THISNODE callers have a
        // better fallback than a kill; lowmem is not worth killing for. (No coredumps or suspend in mmsim.)
        if (s.Costly || (s.Gfp & (GfpFlags.RetryMayFail | GfpFlags.ThisNode)) != 0 || s.Ac.HighestZoneIdx < ZoneType.Normal)
        {
            return;
        }

        WouldOom++;
        OnWouldOom?.Invoke(s.Gfp, s.Order);
        const bool OutOfMemoryMadeProgress = false;
        if (OutOfMemoryMadeProgress || s.NoFail)
        {
            s.DidSomeProgress = 1;

            // Help non-failing allocations by giving them access to memory reserves.
            if (s.NoFail)
            {
                s.Page = CpusetFallback(s, AllocFlags.NoWatermarks);
            }
        }
    }
}
