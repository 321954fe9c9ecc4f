// memory.high (cgroup v2): a charge that leaves a level over its high mark records the pages on the
// task (memcg_nr_pages_over_high); on the return to user space the task reclaims and, when reclaim
// cannot keep up, sleeps a penalty that grows with the square of the overage
// (mm/memcontrol.c: mem_cgroup_handle_over_high, reclaim_high, calculate_high_delay).
using MmSim.Sim;

namespace MmSim.Mm.Memcontrol;

/// <content>memory.high throttling.</content>
public sealed partial class MemcgTree
{
    /// <summary>The wait site of the memory.high penalty sleep (schedule_timeout_killable in it).</summary>
    public const string HandleOverHighWaitSite = "mem_cgroup_handle_over_high";

    /// <summary>MEMCG_MAX_HIGH_DELAY_JIFFIES: the longest penalty per return to user space (2 s).</summary>
    public const long MemcgMaxHighDelayNs = 2 * SimTime.NsPerSec;

    // HZ = 1000: a jiffy is a millisecond.
    private const long Hz = 1000;
    private const long NsPerJiffy = SimTime.NsPerSec / Hz;
    private const int MemcgDelayPrecisionShift = 20;
    private const int MemcgDelayScalingShift = 14;
    private const int SwapClusterMax = 32;

    /// <summary>
    /// mem_cgroup_handle_over_high on the return to user space: nothing unless the task charged pages
    /// over memory.high; then reclaim_high and, if the overage persists, the penalty sleep with wait site
    /// <see cref="HandleOverHighWaitSite"/>. Call it at the end of a fault or system call that charged.
    /// </summary>
    /// <param name="current">The returning task.</param>
    /// <returns>The coroutine (empty when nothing is owed).</returns>
    public IEnumerable<Wait> HandleOverHigh(TaskContext current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.MemcgNrPagesOverHigh == 0 || !current.CanSleep ? [] : HandleOverHighNow(current, GfpFlags.Kernel);
    }

    /// <summary>calculate_high_delay for a cgroup's current overage: the penalty in jiffies before the 2 s clamp.</summary>
    /// <param name="memcg">The charged cgroup (its ancestors below the root count too).</param>
    /// <param name="nrPages">Pages the task charged over high.</param>
    /// <returns>Jiffies.</returns>
    public long CalculateHighDelay(MemCgroup memcg, int nrPages)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        ulong maxOverage = MemFindMaxOverage(memcg);
        if (maxOverage == 0)
        {
            return 0;
        }

        ulong penalty = unchecked(maxOverage * maxOverage * (ulong)Hz);
        penalty >>= MemcgDelayPrecisionShift;
        penalty >>= MemcgDelayScalingShift;
        return (long)(penalty * (ulong)nrPages / MemcgChargeBatch);
    }

    // The pass keeps the caller's Ret: it runs at the end of a fault or system call whose result is in it.
    private IEnumerable<Wait> HandleOverHighNow(TaskContext current, GfpFlags gfp)
    {
        int ret = current.Ret;
        yield return Wait.Call(MemCgroupHandleOverHigh(current, gfp));
        current.Ret = ret;
    }

    // __mem_cgroup_handle_over_high.
    private IEnumerable<Wait> MemCgroupHandleOverHigh(TaskContext current, GfpFlags gfp)
    {
        int nrPages = current.MemcgNrPagesOverHigh;
        int nrRetries = MaxReclaimRetries;
        MemCgroup memcg = byId[current.MemcgId];
        current.MemcgNrPagesOverHigh = 0;
        bool inRetry = false;
        while (true)
        {
            // memory.high has no OOM killer: a dying task does not reclaim for it.
            if (TaskIsDying(current))
            {
                yield break;
            }

            // reclaim_high: every level over its high mark is reclaimed and counts MEMCG_HIGH.
            long nrReclaimed = 0;
            for (MemCgroup? m = memcg; m is not null && m != Root; m = m.Parent)
            {
                if (m.Memory.Usage <= m.High)
                {
                    continue;
                }

                MemcgMemoryEvent(m, Memcontrol.MemcgMemoryEvent.High);
                if (Reclaim is not null)
                {
                    yield return Wait.Call(Reclaim.TryToFreeMemCgroupPages(m, inRetry ? SwapClusterMax : nrPages, gfp));
                    nrReclaimed += current.Ret;
                }
            }

            // Swap has no high mark here (no swap accounting): swap_find_max_overage is 0.
            long penaltyJiffies = Math.Min(CalculateHighDelay(memcg, nrPages), MemcgMaxHighDelayNs / NsPerJiffy);
            if (penaltyJiffies <= Hz / 100)
            {
                yield break;
            }

            if (nrReclaimed != 0 || nrRetries-- > 0)
            {
                inRetry = true;
                continue;
            }

            // schedule_timeout_killable: D state, but a fatal signal would end it.
            yield return Wait.Sleep(penaltyJiffies * NsPerJiffy, TaskState.Uninterruptible, HandleOverHighWaitSite);
            yield break;
        }
    }

    // mem_find_max_overage: the largest (usage - high) / high, in 2^-20 units, from the cgroup up to
    // (not including) the root.
    private ulong MemFindMaxOverage(MemCgroup memcg)
    {
        ulong maxOverage = 0;
        for (MemCgroup? m = memcg; m is not null && m != Root; m = m.Parent)
        {
            maxOverage = Math.Max(maxOverage, CalculateOverage(m.Memory.Usage, m.High));
        }

        return maxOverage;
    }

    // calculate_overage.
    private static ulong CalculateOverage(long usage, long high)
    {
        if (usage <= high)
        {
            return 0;
        }

        high = Math.Max(high, 1);
        ulong overage = (ulong)(usage - high) << MemcgDelayPrecisionShift;
        return overage / (ulong)high;
    }
}
