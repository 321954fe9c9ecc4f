using MmSim.Mm.OomKill;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Slowpath;

// __alloc_pages_may_oom: the last freelist attempt at the high watermark, then the OOM killer.
public sealed partial class AllocSlowpath
{
    /// <summary>The wait site of the jiffy an allocator sleeps while an OOM victim exits (see <see cref="OomVictimWaitNs"/>).</summary>
    public const string OomWaitSite = "__alloc_pages_may_oom";

    /// <summary>One jiffy: what an allocation sleeps when the OOM killer made progress without freeing anything yet.</summary>
    public const long OomVictimWaitNs = NofailRetryWaitNs;

    /// <summary>The OOM killer (out_of_memory); null: reaching it is only counted and makes no progress.</summary>
    public OomKiller? OomKiller { get; set; }

    // mm/page_alloc.c: __alloc_pages_may_oom. The oom_lock is never contended here (nothing sleeps while
    // it is held), so the trylock always succeeds. Without an OOM killer wired, reaching out_of_memory
    // is recorded (WouldOom, OnWouldOom) and makes no progress, as when the kernel finds no victim; a
    // __GFP_NOFAIL request then still counts as progress (WARN_ON_ONCE_GFP) and dips into all reserves.
    private void MayOom(SlowpathState s)
    {
        s.DidSomeProgress = 0;
        s.OomKilledNobody = false;

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
        bool outOfMemoryMadeProgress = false;
        if (OomKiller is { } oom)
        {
            var oc = new OomControl(s.Gfp, s.Order);
            outOfMemoryMadeProgress = oom.OutOfMemory(oc);

            // Progress without a kill (a victim still exiting, a GFP_NOFS request): the retry sleeps a jiffy.
            s.OomKilledNobody = outOfMemoryMadeProgress && !oc.Killed;
        }

        if (outOfMemoryMadeProgress || s.NoFail)
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
