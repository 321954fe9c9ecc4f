using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.Memory;
using MmSim.Mm.Stat;
using MmSim.Sim;
using MmSim.Tests.Kernel;

namespace MmSim.Tests.Memcontrol;

/// <summary>try_charge_memcg, commit and uncharge, limit reclaim, memcg OOM and memory.high (mm/memcontrol.c).</summary>
public class MemcgChargeTests
{
    private const long Ms = SimTime.NsPerMs;

    /// <summary>Limit reclaim that records each call and frees up to <see cref="PerCall"/> of the folios it was given.</summary>
    internal sealed class FakeReclaim(LinuxKernel k) : IMemcgReclaim
    {
        public List<(MemCgroup Memcg, long NrPages, GfpFlags Gfp, bool MayWritepage)> Calls { get; } = [];

        public Queue<int> Reclaimable { get; } = new();

        public int PerCall { get; set; } = 32;

        public IEnumerable<Wait> TryToFreeMemCgroupPages(MemCgroup memcg, long nrPages, GfpFlags gfp, bool mayWritepage = true)
        {
            Calls.Add((memcg, nrPages, gfp, mayWritepage));
            int freed = 0;
            while (freed < PerCall && Reclaimable.TryDequeue(out int pfn))
            {
                k.Alloc.FreePages(pfn, 0);
                freed++;
            }

            k.Current.Ret = freed;
            return [];
        }
    }

    /// <summary>A memcg OOM killer that records its calls and "kills" by freeing the victim's folios.</summary>
    internal sealed class FakeOom(LinuxKernel k) : IMemcgOom
    {
        public List<(MemCgroup Memcg, int Order)> Calls { get; } = [];

        public Queue<int> Victim { get; } = new();

        public IEnumerable<Wait> MemCgroupOutOfMemory(MemCgroup memcg, GfpFlags gfp, int order)
        {
            Calls.Add((memcg, order));
            bool killed = Victim.Count > 0;
            while (Victim.TryDequeue(out int pfn))
            {
                k.Alloc.FreePages(pfn, 0);
            }

            k.Current.Ret = killed ? 1 : 0;
            return [];
        }
    }

    internal static (LinuxKernel K, MemCgroup Parent, MemCgroup Child) Tree(long parentMax, CgroupVersion version = CgroupVersion.V2)
    {
        LinuxKernel k = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, 1 << 14, 0, 0)], []),
            new KernelParams
            {
                Alloc = new Mm.PageAlloc.PageAllocOptions(),
                Compact = _ => Mm.Compaction.Impl.NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                CgroupVersion = version,
            },
            seed: 1);
        MemCgroup parent = k.Memcg.Create("/parent");
        parent.Memory.Limit = parentMax;
        MemCgroup child = k.Memcg.Create("/parent/child", parent);
        return (k, parent, child);
    }

    // Allocates and charges one order-0 anonymous page from a task context; returns (pfn or -1, Ret).
    private static IEnumerable<Wait> Charge(LinuxKernel k, MemCgroup memcg, GfpFlags gfp, List<(int Pfn, int Ret)> results)
    {
        int pfn = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon);
        TaskContext current = k.Current;
        yield return Wait.Call(k.Memcg.ChargeFolio(pfn, memcg, gfp, current));
        if (current.Ret != 0)
        {
            k.Alloc.FreePages(pfn, 0);
            results.Add((-1, current.Ret));
            yield break;
        }

        results.Add((pfn, 0));
    }

    private static List<(int Pfn, int Ret)> ChargeInTask(LinuxKernel k, MemCgroup memcg, GfpFlags gfp, int count)
    {
        var results = new List<(int Pfn, int Ret)>();
        k.Sim.Spawn("charger", Loop());
        k.Sim.Run(k.Sim.Now + (10 * Ms));
        return results;

        IEnumerable<Wait> Loop()
        {
            for (int i = 0; i < count; i++)
            {
                yield return Wait.Call(Charge(k, memcg, gfp, results));
            }
        }
    }

    [Fact]
    public void A_charge_goes_up_the_hierarchy_and_the_free_uncharges_it()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Tree(100);
        List<(int Pfn, int Ret)> r = ChargeInTask(k, child, GfpFlags.Kernel, 10);
        Assert.All(r, x => Assert.True(x.Pfn >= 0));
        Assert.Equal((10L, 10L), (child.Memory.Usage, parent.Memory.Usage));
        Assert.Equal(child.Id, k.Node.FolioMemcg[r[0].Pfn]);
        Assert.Null(k.Memcg.Verify());

        k.Alloc.FreePages(r[0].Pfn, 0);
        Assert.Equal((9L, 9L, 10L), (child.Memory.Usage, parent.Memory.Usage, parent.Memory.Watermark));
        Assert.Equal(0, k.Node.FolioMemcg[r[0].Pfn]);
        Assert.Null(k.Memcg.Verify());
    }

    [Fact]
    public void A_charge_over_an_ancestors_limit_reclaims_that_ancestor_with_the_charge_mask_and_size()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Tree(8);
        var reclaim = new FakeReclaim(k) { PerCall = 1 };
        k.Memcg.Reclaim = reclaim;
        foreach ((int pfn, _) in ChargeInTask(k, child, GfpFlags.Kernel, 8))
        {
            reclaim.Reclaimable.Enqueue(pfn);
        }

        List<(int Pfn, int Ret)> r = ChargeInTask(k, child, GfpFlags.Kernel, 1);

        // try_to_free_mem_cgroup_pages(mem_over_limit = the parent, nr_pages = 1, gfp_mask, may_writepage).
        var call = Assert.Single(reclaim.Calls);
        Assert.Equal((parent, 1L, GfpFlags.Kernel, true), call);
        Assert.True(r[0].Pfn >= 0);
        Assert.Equal((8L, 1L, 1L), (parent.Memory.Usage, parent.EventsMax, parent.Memory.Failcnt));
        Assert.Equal(0, child.EventsMax);
        Assert.Null(k.Memcg.Verify());
    }

    [Fact]
    public void At_the_limit_with_nothing_reclaimable_the_charge_retries_then_goes_to_memcg_oom_and_fails()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Tree(4);
        var reclaim = new FakeReclaim(k);
        var oom = new FakeOom(k);
        k.Memcg.Reclaim = reclaim;
        k.Memcg.Oom = oom;
        ChargeInTask(k, child, GfpFlags.Kernel, 4);

        List<(int Pfn, int Ret)> r = ChargeInTask(k, child, GfpFlags.Kernel, 1);

        // One reclaim, one more after the stock drain, then MAX_RECLAIM_RETRIES more; then mem_cgroup_oom.
        Assert.Equal(2 + MemcgTree.MaxReclaimRetries, reclaim.Calls.Count);
        Assert.Equal((parent, 0), Assert.Single(oom.Calls));
        Assert.Equal((-1, MemcgTree.Enomem), r[0]);
        Assert.Equal((2L + MemcgTree.MaxReclaimRetries, 1L), (parent.EventsMax, parent.EventsOom));
        Assert.Equal((1L, 1L), (parent.MemoryEventsLocal[(int)MemcgMemoryEvent.Oom], parent.MemoryEvents[(int)MemcgMemoryEvent.Oom]));
        Assert.Equal(4L, parent.Memory.Usage);
        Assert.Null(k.Memcg.Verify());
    }

    [Fact]
    public void A_memcg_oom_kill_that_frees_memory_lets_the_charge_succeed()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Tree(4);
        var oom = new FakeOom(k);
        k.Memcg.Reclaim = new FakeReclaim(k);
        k.Memcg.Oom = oom;
        foreach ((int pfn, _) in ChargeInTask(k, child, GfpFlags.Kernel, 4))
        {
            oom.Victim.Enqueue(pfn);
        }

        List<(int Pfn, int Ret)> r = ChargeInTask(k, child, GfpFlags.Kernel, 1);
        Assert.True(r[0].Pfn >= 0);
        Assert.Single(oom.Calls);
        Assert.Equal((1L, 1L), (parent.Memory.Usage, parent.EventsOom));
    }

    [Fact]
    public void A_mask_without_direct_reclaim_fails_at_once_and_gfp_high_forces_the_charge_over_the_limit()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Tree(2);
        var reclaim = new FakeReclaim(k);
        k.Memcg.Reclaim = reclaim;
        ChargeInTask(k, child, GfpFlags.Kernel, 2);

        // GFP_NOWAIT: !gfpflags_allow_blocking → nomem, no reclaim and no MEMCG_MAX event.
        Assert.Equal((-1, MemcgTree.Enomem), ChargeInTask(k, child, GfpFlags.NoWait, 1)[0]);
        Assert.Equal((0, 0L, 1L), (reclaim.Calls.Count, parent.EventsMax, parent.Memory.Failcnt));

        // GFP_ATOMIC (__GFP_HIGH): nomem → force: charged over the limit, MEMCG_MAX raised once.
        Assert.True(ChargeInTask(k, child, GfpFlags.Atomic, 1)[0].Pfn >= 0);
        Assert.Equal((3L, 1L, 0), (parent.Memory.Usage, parent.EventsMax, reclaim.Calls.Count));
        Assert.Null(k.Memcg.Verify());
    }

    [Fact]
    public void On_v1_events_stay_in_the_cgroup_and_charges_count_pgpgin_and_pgpgout()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Tree(1, CgroupVersion.V1);
        child.Memory.Limit = 1;
        List<(int Pfn, int Ret)> r = ChargeInTask(k, child, GfpFlags.Kernel, 1);
        ChargeInTask(k, child, GfpFlags.NoWait | GfpFlags.High, 1);
        Assert.Equal((1L, 0L), (child.EventsMax, parent.EventsMax));
        Assert.Equal(2L, child.Events[(int)VmEventItem.Pgpgin]);
        k.Alloc.FreePages(r[0].Pfn, 0);
        Assert.Equal(1L, child.Events[(int)VmEventItem.Pgpgout]);
    }

    [Fact]
    public void Over_memory_high_the_return_to_user_space_reclaims_then_sleeps_the_penalty_in_its_wait_site()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Tree(1000);
        parent.High = 100;
        var reclaim = new FakeReclaim(k);
        k.Memcg.Reclaim = reclaim;
        long endNs = -1;
        int overHigh = -1;
        var results = new List<(int Pfn, int Ret)>();
        SimTask t = k.Sim.Spawn("hog", Body());
        k.ContextOf(t).MemcgId = child.Id;
        k.Sim.Run(100 * Ms);
        Assert.Equal((120, 20, -1L), (results.Count(x => x.Pfn >= 0), overHigh, endNs));

        // 120 pages against high 100: overage (20 << 20) / 100, penalty overage² · HZ >> 34 jiffies, times
        // the 20 pages this task charged over high / MEMCG_CHARGE_BATCH: 799 ms, in schedule_timeout_killable.
        Assert.Equal(0, k.ContextOf(t).MemcgNrPagesOverHigh);
        Assert.Equal(TaskState.Uninterruptible, t.State);
        Assert.Equal(MemcgTree.HandleOverHighWaitSite, t.WaitSite);

        // reclaim_high ran on the parent (the level over high) once, then MAX_RECLAIM_RETRIES more rounds.
        Assert.All(reclaim.Calls, c => Assert.Equal(parent, c.Memcg));
        Assert.Equal(1 + MemcgTree.MaxReclaimRetries, reclaim.Calls.Count);
        Assert.Equal((20L, 32L), (reclaim.Calls[0].NrPages, reclaim.Calls[1].NrPages));
        Assert.Equal(17L, parent.EventsHigh);
        k.Sim.Run(2000 * Ms);
        Assert.Equal(799 * Ms, endNs);
        Assert.Equal(120, results.Count(x => x.Pfn >= 0));

        IEnumerable<Wait> Body()
        {
            TaskContext current = k.Current;
            for (int i = 0; i < 120; i++)
            {
                yield return Wait.Call(Charge(k, child, GfpFlags.Kernel, results));
            }

            overHigh = current.MemcgNrPagesOverHigh;
            yield return Wait.Call(k.Memcg.HandleOverHigh(current));
            endNs = k.Sim.Now;
        }
    }

    [Fact]
    public void Memory_max_reclaims_without_a_penalty_sleep()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Tree(100);
        var reclaim = new FakeReclaim(k) { PerCall = 1 };
        k.Memcg.Reclaim = reclaim;
        foreach ((int pfn, _) in ChargeInTask(k, child, GfpFlags.Kernel, 100))
        {
            reclaim.Reclaimable.Enqueue(pfn);
        }

        long start = k.Sim.Now;
        long endNs = -1;
        SimTask t = k.Sim.Spawn("hog", Body());
        k.ContextOf(t).MemcgId = child.Id;
        k.Sim.Run(start + (10 * Ms));
        Assert.Equal(start, endNs);
        Assert.Equal((20, 0L), (reclaim.Calls.Count, parent.EventsHigh));

        IEnumerable<Wait> Body()
        {
            var results = new List<(int Pfn, int Ret)>();
            TaskContext current = k.Current;
            for (int i = 0; i < 20; i++)
            {
                yield return Wait.Call(Charge(k, child, GfpFlags.Kernel, results));
            }

            Assert.Equal(0, current.MemcgNrPagesOverHigh);
            yield return Wait.Call(k.Memcg.HandleOverHigh(current));
            endNs = k.Sim.Now;
        }
    }

    [Fact]
    public void Calculate_high_delay_follows_the_kernel_table_for_a_100M_high()
    {
        // The table in mm/memcontrol.c above MEMCG_DELAY_PRECISION_SHIFT: high 100M, one batch over it.
        (LinuxKernel k, MemCgroup parent, _) = Tree(long.MaxValue / 4);
        long high = 100L << 8; // 100 MiB in pages
        parent.High = high;
        (int UsageMiB, long Ms)[] table = [(100, 0), (101, 6), (102, 25), (105, 159), (110, 639), (117, 1849)];
        foreach ((int usageMiB, long ms) in table)
        {
            parent.Memory.Usage = (long)usageMiB << 8;
            Assert.Equal(ms, k.Memcg.CalculateHighDelay(parent, MemcgTree.MemcgChargeBatch));
        }

        parent.Memory.Usage = 0;
    }

    [Fact]
    public void Page_cache_is_charged_to_the_writer_and_anon_memory_to_the_faulting_task()
    {
        (LinuxKernel k, MemCgroup writerCg, MemCgroup faulterCg) = Tree(1000);
        MemCgroup other = k.Memcg.Create("/other");
        faulterCg = other;
        CachedFile file = k.PageCache.Open("data", 4);
        AnonVma vma = k.Mmap(new AllocTally(), 4, new AnonVmaFlags(ThpMode.Never, ThpDefrag.Madvise, Locked: false, LongtermPin: false), "faulter");
        SimTask writer = k.Sim.Spawn("writer", Write());
        SimTask faulter = k.Sim.Spawn("faulter", Fault());
        k.ContextOf(writer).MemcgId = writerCg.Id;
        k.ContextOf(faulter).MemcgId = faulterCg.Id;
        k.Sim.Run(10 * Ms);

        Assert.All(file.Pfn, pfn => Assert.Equal(writerCg.Id, k.Node.FolioMemcg[pfn]));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(faulterCg.Id, k.Node.FolioMemcg[vma.PfnAt(i)]));

        // The writer's cgroup holds 4 file pages; the faulter's 4 anon pages and the kmem-charged page table.
        k.Memcg.FlushStats();
        Assert.Equal((4L, 0L), (writerCg.Memory.Usage, writerCg.Stat[(int)NodeStatItem.NrAnonPages]));
        Assert.Equal(4L, writerCg.Stat[(int)NodeStatItem.NrFilePages]);
        Assert.Equal((5L, 4L, 1L, 1L), (other.Memory.Usage, other.Stat[(int)NodeStatItem.NrAnonPages], other.Stat[(int)NodeStatItem.NrPageTablePages], other.Stat[(int)MemcgStatItem.MemcgKmem]));
        Assert.Equal(4L, MemcgTree.MemcgEvents(other, VmEventItem.Pgfault));
        Assert.Null(k.Memcg.Verify());

        IEnumerable<Wait> Write()
        {
            for (int i = 0; i < 4; i++)
            {
                yield return Wait.Call(k.PageCache.Write(file, i, new AllocTally()));
            }
        }

        IEnumerable<Wait> Fault()
        {
            for (int i = 0; i < 4; i++)
            {
                FaultResult fr = vma.TryHandleMmFault(i, out bool failed);
                if (fr == FaultResult.NeedsSleepablePath)
                {
                    yield return Wait.Call(vma.HandleMmFault(i, failed));
                }
            }
        }
    }

    [Fact]
    public void Migration_moves_the_charge_with_the_folio()
    {
        (LinuxKernel k, _, MemCgroup child) = Tree(1000);
        CachedFile file = k.PageCache.Open("data", 1);
        SimTask writer = k.Sim.Spawn("writer", k.PageCache.Write(file, 0, new AllocTally()));
        k.ContextOf(writer).MemcgId = child.Id;
        k.Sim.Run(10 * Ms);
        int old = file.Pfn[0];
        int dst = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.File);
        k.Lru.LruvecDelFolio(old);
        k.Rmap.ReplaceFolio(old, dst);
        k.Alloc.FreePages(old, 0);
        Assert.Equal((child.Id, (ushort)0), (k.Node.FolioMemcg[dst], k.Node.FolioMemcg[old]));
        Assert.Equal(1L, child.Memory.Usage);
    }
}
