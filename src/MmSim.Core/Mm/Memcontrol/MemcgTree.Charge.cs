// Charging (mm/memcontrol.c: mem_cgroup_charge → charge_memcg → try_charge_memcg → commit_charge,
// and __memcg_kmem_charge_page for __GFP_ACCOUNT): page_counter_try_charge up the hierarchy; over a
// limit, limit reclaim (MAX_RECLAIM_RETRIES rounds, the progress rule, mem_cgroup_margin), then the
// memcg OOM killer; __GFP_NOFAIL/__GFP_HIGH and PF_MEMALLOC force the charge. The per-cpu charge
// stock (MEMCG_CHARGE_BATCH) is not modelled: every charge goes to the page counters
// (docs/fidelity.md), so drain_all_stock has nothing to drain and only costs its retry.
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Memcontrol;

/// <content>try_charge_memcg and the charge entry points.</content>
public sealed partial class MemcgTree
{
    /// <summary>MAX_RECLAIM_RETRIES: limit-reclaim rounds before the memcg OOM killer.</summary>
    public const int MaxReclaimRetries = 16;

    /// <summary>MEMCG_CHARGE_BATCH: the nominal charge batch (the stock is not modelled; memory.high uses it as its unit).</summary>
    public const int MemcgChargeBatch = 64;

    /// <summary>-ENOMEM, what a failed charge leaves in <see cref="TaskContext.Ret"/>.</summary>
    public const int Enomem = -12;

    // A memcg OOM that reports progress this many times in a row without the charge ever fitting
    // ends the charge with -ENOMEM: the kernel would loop until the victim's exit frees memory; a
    // killer that frees nothing (a test double, or a victim that cannot exit) must not spin the engine.
    private const int OomPassesMax = 64;

    /// <summary>The cgroup a task's allocations are charged to (mem_cgroup_from_task / get_mem_cgroup_from_mm).</summary>
    /// <param name="current">The task.</param>
    /// <returns>Its cgroup (the root when the task was never placed).</returns>
    public MemCgroup MemcgOf(TaskContext current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return byId[current.MemcgId];
    }

    /// <summary>
    /// Whether <paramref name="nrPages"/> can be charged to <paramref name="current"/>'s cgroup without
    /// reclaim and without going over memory.high anywhere: the non-sleeping fault and read paths ask
    /// first and take the sleeping path when not (the analogue of consume_stock's quick success).
    /// </summary>
    /// <param name="current">The charging task.</param>
    /// <param name="nrPages">Pages to charge.</param>
    /// <returns>True when <see cref="ChargeAtOnce"/> will succeed with nothing left to do.</returns>
    public bool MayChargeAtOnce(TaskContext current, int nrPages)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.MemcgId == 0)
        {
            return true;
        }

        if (current.MemcgNrPagesOverHigh != 0)
        {
            return false;
        }

        for (MemCgroup? m = byId[current.MemcgId]; m is not null && m != Root; m = m.Parent)
        {
            long usage = m.Memory.Usage + nrPages;
            if (usage > m.Memory.Limit || usage > m.High)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Charges a folio <see cref="MayChargeAtOnce"/> just allowed (nothing ran in between): no reclaim, no sleep.</summary>
    /// <param name="pfn">Head PFN of the new folio.</param>
    /// <param name="current">The charging task.</param>
    public void ChargeAtOnce(int pfn, TaskContext current)
    {
        ArgumentNullException.ThrowIfNull(current);
        MemCgroup memcg = byId[current.MemcgId];
        if (memcg != Root)
        {
            PageCounterCharge(memcg, 1L << node.Pages[pfn].Order);
        }

        CommitCharge(pfn, memcg, IsKmemOwner(node.Pages[pfn].OwnerKind));
    }

    /// <summary>
    /// Charges a newly allocated folio to <paramref name="memcg"/> (mem_cgroup_charge → charge_memcg →
    /// try_charge, commit_charge); <see cref="TaskContext.Ret"/> is 0 on success or -ENOMEM (-12), and on
    /// failure the caller frees the folio. A charge that fits costs no coroutine.
    /// </summary>
    /// <param name="pfn">Head PFN of the folio (not on an LRU yet).</param>
    /// <param name="memcg">The cgroup to charge (the task's, or the writer's for page cache).</param>
    /// <param name="gfp">The charge's gfp mask (limit reclaim runs only if it allows direct reclaim).</param>
    /// <param name="current">The charging task.</param>
    /// <returns>The coroutine the charging task awaits.</returns>
    public IEnumerable<Wait> ChargeFolio(int pfn, MemCgroup memcg, GfpFlags gfp, TaskContext current)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        ArgumentNullException.ThrowIfNull(current);
        bool kmem = IsKmemOwner(node.Pages[pfn].OwnerKind);
        current.Ret = 0;
        if (memcg == Root)
        {
            // try_charge: mem_cgroup_is_root → nothing to charge.
            CommitCharge(pfn, memcg, kmem);
            return [];
        }

        int nr = 1 << node.Pages[pfn].Order;
        bool counted = TryChargeCounters(memcg, nr, out MemCgroup? firstFail);
        if (counted && !NeedsSyncOverHigh(memcg, nr, gfp, current))
        {
            CommitCharge(pfn, memcg, kmem);
            return [];
        }

        // Either over a limit (the first page_counter_try_charge of the retry loop failed at firstFail),
        // or charged with a synchronous memory.high pass due.
        return TryChargeMemcg(pfn, memcg, gfp, current, kmem, firstFail);
    }

    /// <summary>
    /// Charges a kernel page allocated with __GFP_ACCOUNT to the allocating task's cgroup
    /// (__memcg_kmem_charge_page via current_obj_cgroup): nothing for the root cgroup or a kernel
    /// thread; on -ENOMEM the caller frees the page and the allocation fails, as __alloc_pages does.
    /// </summary>
    /// <param name="pfn">Head PFN.</param>
    /// <param name="gfp">The allocation's mask.</param>
    /// <param name="current">The allocating task.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is 0 or -ENOMEM.</returns>
    public IEnumerable<Wait> ChargeKmemPage(int pfn, GfpFlags gfp, TaskContext current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if ((gfp & GfpFlags.Account) == 0 || current.MemcgId == 0 || (current.Flags & TaskFlags.Kthread) != 0)
        {
            // current_obj_cgroup() is NULL: the root objcg is not charged, kthreads have no active memcg.
            current.Ret = 0;
            return [];
        }

        return ChargeFolio(pfn, byId[current.MemcgId], gfp, current);
    }

    /// <summary>mem_cgroup_margin: pages <paramref name="memcg"/> can still be charged before its limit.</summary>
    /// <param name="memcg">A cgroup.</param>
    /// <returns>Pages, 0 at or over the limit.</returns>
    public static long MemCgroupMargin(MemCgroup memcg)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        long count = memcg.Memory.Usage;
        long limit = memcg.Memory.Limit;
        return count < limit ? limit - count : 0;
    }

    /// <summary>memcg_memory_event: counts a memory.events event in the cgroup (local) and, on v2, in every ancestor below the root.</summary>
    /// <param name="memcg">The cgroup.</param>
    /// <param name="ev">The event.</param>
    public void MemcgMemoryEvent(MemCgroup memcg, MemcgMemoryEvent ev)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        memcg.MemoryEventsLocal[(int)ev]++;
        for (MemCgroup? m = memcg; m is not null; m = m.Parent)
        {
            m.MemoryEvents[(int)ev]++;
            if (Version == CgroupVersion.V1 || m.Parent is null || m.Parent == Root)
            {
                break;
            }
        }
    }

    // Page tables, kernel stacks and other kernel pages are kmem charges (MEMCG_DATA_KMEM):
    // v1 counts no pgpgin/pgpgout for them.
    private static bool IsKmemOwner(OwnerKind kind) => kind is not (OwnerKind.Anon or OwnerKind.File);

    // try_charge_memcg after its first page_counter_try_charge: failed at firstFail, or succeeded (null) with
    // a synchronous memory.high pass due.
    private IEnumerable<Wait> TryChargeMemcg(int pfn, MemCgroup memcg, GfpFlags gfp, TaskContext current, bool kmem, MemCgroup? firstFail)
    {
        bool alreadyCharged = firstFail is null;
        int order = node.Pages[pfn].Order;
        int nr = 1 << order;
        int nrRetries = MaxReclaimRetries;
        bool passedOom = false;
        bool raisedMaxEvent = false;
        bool drained = false;
        int oomPasses = 0;
        bool charged = alreadyCharged;
        while (!charged)
        {
            MemCgroup? memOverLimit = firstFail;
            firstFail = null;
            if (memOverLimit is null && TryChargeCounters(memcg, nr, out memOverLimit))
            {
                charged = true;
                break;
            }

            // PF_MEMALLOC: reclaim's own allocations may overshoot rather than recurse.
            if ((current.Flags & TaskFlags.Memalloc) != 0)
            {
                Force(memcg, memOverLimit!, nr, ref raisedMaxEvent);
                charged = true;
                break;
            }

            if ((gfp & GfpFlags.DirectReclaim) == 0 || !current.CanSleep)
            {
                if (!Nomem(memcg, memOverLimit!, nr, gfp, ref raisedMaxEvent, current))
                {
                    yield break;
                }

                charged = true;
                break;
            }

            MemcgMemoryEvent(memOverLimit!, Memcontrol.MemcgMemoryEvent.Max);
            raisedMaxEvent = true;
            long nrReclaimed = 0;
            if (Reclaim is not null)
            {
                yield return Wait.Call(Reclaim.TryToFreeMemCgroupPages(memOverLimit!, nr, gfp));
                nrReclaimed = current.Ret;
            }

            if (MemCgroupMargin(memOverLimit!) >= nr)
            {
                continue;
            }

            if (!drained)
            {
                // drain_all_stock: no stock is modelled, so only the retry remains.
                drained = true;
                continue;
            }

            if ((gfp & GfpFlags.NoRetry) != 0)
            {
                if (!Nomem(memcg, memOverLimit!, nr, gfp, ref raisedMaxEvent, current))
                {
                    yield break;
                }

                charged = true;
                break;
            }

            // Reclaim freed something: retry the charge before killing, for regular pages only.
            if (nrReclaimed > 0 && order <= MmConstants.PageAllocCostlyOrder)
            {
                continue;
            }

            if (nrRetries-- > 0)
            {
                continue;
            }

            bool oomMadeProgress = false;
            if ((gfp & GfpFlags.RetryMayFail) == 0 && !(passedOom && TaskIsDying(current)) && oomPasses < OomPassesMax)
            {
                yield return Wait.Call(MemCgroupOom(memOverLimit!, gfp, order, current));
                oomMadeProgress = current.Ret != 0;
            }

            if (oomMadeProgress)
            {
                passedOom = true;
                oomPasses++;
                nrRetries = MaxReclaimRetries;
                continue;
            }

            if (!Nomem(memcg, memOverLimit!, nr, gfp, ref raisedMaxEvent, current))
            {
                yield break;
            }

            charged = true;
        }

        CommitCharge(pfn, memcg, kmem);
        current.Ret = 0;
        if (alreadyCharged || NeedsSyncOverHigh(memcg, nr, gfp, current))
        {
            yield return Wait.Call(HandleOverHighNow(current, gfp));
        }

        current.Ret = 0;
    }

    // nomem: label of try_charge_memcg: -ENOMEM unless __GFP_NOFAIL or __GFP_HIGH force the charge
    // over the limit. Returns true when the charge was forced.
    private bool Nomem(MemCgroup memcg, MemCgroup memOverLimit, int nr, GfpFlags gfp, ref bool raisedMaxEvent, TaskContext current)
    {
        if ((gfp & (GfpFlags.NoFail | GfpFlags.High)) == 0)
        {
            current.Ret = Enomem;
            return false;
        }

        Force(memcg, memOverLimit, nr, ref raisedMaxEvent);
        return true;
    }

    // force: label: raise MEMCG_MAX if not done, then page_counter_charge over the limit.
    private void Force(MemCgroup memcg, MemCgroup memOverLimit, int nr, ref bool raisedMaxEvent)
    {
        if (!raisedMaxEvent)
        {
            MemcgMemoryEvent(memOverLimit, Memcontrol.MemcgMemoryEvent.Max);
            raisedMaxEvent = true;
        }

        PageCounterCharge(memcg, nr);
    }

    // mem_cgroup_oom: no OOM kill for costly orders; MEMCG_OOM; mem_cgroup_out_of_memory, which first
    // checks the margin again under oom_lock. Ret is 1 when the killer made progress.
    private IEnumerable<Wait> MemCgroupOom(MemCgroup memcg, GfpFlags gfp, int order, TaskContext current)
    {
        current.Ret = 0;
        if (order > MmConstants.PageAllocCostlyOrder)
        {
            yield break;
        }

        MemcgMemoryEvent(memcg, Memcontrol.MemcgMemoryEvent.Oom);
        if (MemCgroupMargin(memcg) >= 1L << order)
        {
            current.Ret = 1;
            yield break;
        }

        if (Oom is null)
        {
            yield break;
        }

        yield return Wait.Call(Oom.MemCgroupOutOfMemory(memcg, gfp, order));
    }

    // task_is_dying: an OOM victim or a task with SIGKILL pending (PF_EXITING is not modelled).
    private static bool TaskIsDying(TaskContext current) => current.FatalSignalPending;

    // page_counter_try_charge: charge every level up to (not including) the root; a level that would
    // exceed its max counts a failure (failcnt), undoes the levels below and names itself.
    private bool TryChargeCounters(MemCgroup memcg, long nr, out MemCgroup? fail)
    {
        for (MemCgroup? c = memcg; c is not null && c != Root; c = c.Parent)
        {
            long next = c.Memory.Usage + nr;
            if (next > c.Memory.Limit)
            {
                c.Memory.Failcnt++;
                for (MemCgroup? u = memcg; u != c; u = u.Parent)
                {
                    u!.Memory.Usage -= nr;
                }

                fail = c;
                return false;
            }

            c.Memory.Usage = next;
            if (next > c.Memory.Watermark)
            {
                c.Memory.Watermark = next;
            }
        }

        fail = null;
        return true;
    }

    // page_counter_charge: charge every level regardless of the limits.
    private void PageCounterCharge(MemCgroup memcg, long nr)
    {
        for (MemCgroup? c = memcg; c is not null && c != Root; c = c.Parent)
        {
            c.Memory.Usage += nr;
            if (c.Memory.Usage > c.Memory.Watermark)
            {
                c.Memory.Watermark = c.Memory.Usage;
            }
        }
    }

    // done_restock: a level over memory.high schedules reclaim on the return to user space
    // (current->memcg_nr_pages_over_high, set_notify_resume); past MEMCG_CHARGE_BATCH pages a task that
    // may block pays synchronously. Returns whether that synchronous pass is due now.
    private bool NeedsSyncOverHigh(MemCgroup memcg, int nr, GfpFlags gfp, TaskContext current)
    {
        if (!current.CanSleep)
        {
            // Not in a task: the kernel schedules high_work; not modelled.
            return false;
        }

        for (MemCgroup? m = memcg; m is not null && m != Root; m = m.Parent)
        {
            if (m.Memory.Usage > m.High)
            {
                current.MemcgNrPagesOverHigh += nr;
                break;
            }
        }

        return current.MemcgNrPagesOverHigh > MemcgChargeBatch
            && (current.Flags & TaskFlags.Memalloc) == 0
            && (gfp & GfpFlags.DirectReclaim) != 0;
    }
}
