using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;
using MmSim.Mm.Vmscan.Impl;
using MmSim.Sim;

namespace MmSim.Tests.Vmscan;

/// <summary>
/// The three writeback cases of shrink_folio_list (mm/vmscan.c, 6.18), each reached by a constructed
/// state, with the counters and task states the kernel shows.
/// </summary>
public class WritebackCaseTests
{
    private const long Ms = ReclaimRig.Ms;

    [Fact]
    public void Case2_global_reclaim_marks_writeback_folios_for_immediate_reclaim_and_activates_them()
    {
        var rig = new ReclaimRig();
        CachedFile f = rig.Kernel.PageCache.Open("f", 64);
        int[] pfns = rig.Read(f, 0, 64);
        StartWriteback(rig, f, 64, ender: null);
        long activateBefore = rig.Vm(VmEventItem.Pgactivate);

        SimTask t = rig.RunTask("reader", rig.Reclaim.ShrinkNode(rig.Kernel.Alloc, ReclaimRig.Pass(0, kswapd: false)), 100 * Ms);

        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(0, rig.Reclaim.WritebackWaits);
        Assert.All(pfns, p => Assert.True(rig.Node.Pages[p].Has(PageFlags.Reclaim) && rig.Node.Pages[p].Has(PageFlags.Active)));
        Assert.Equal(64, rig.Kernel.Lru.LruvecOf(0).LruSize(LruList.ActiveFile));
        Assert.Equal(64, rig.Vm(VmEventItem.Pgactivate) - activateBefore);
        Assert.Equal(64, rig.Vm(VmEventItem.PgscanDirect));
        Assert.Equal(0, rig.Vm(VmEventItem.PgstealDirect));
        Assert.Equal(64, f.NrCached);
        Assert.Equal(0, rig.Stat(NodeStatItem.NrVmscanImmediateReclaim)); // only dirty folios count there
        rig.Verify("case 2");
    }

    [Fact]
    public void Case1_kswapd_meets_marked_writeback_folios_on_a_writeback_node_and_throttles_until_writeback_completes()
    {
        var rig = new ReclaimRig();
        CachedFile f = rig.Kernel.PageCache.Open("f", 64);
        int[] pfns = rig.Read(f, 0, 64);
        StartWriteback(rig, f, 64, ender: null);

        // Pass 1: case 2 for every folio, and all isolated folios were under writeback: PGDAT_WRITEBACK.
        SimTask p1 = rig.RunTask("kswapd0", rig.Reclaim.ShrinkNode(rig.Kernel.Alloc, ReclaimRig.Pass(0, kswapd: true)), 10 * Ms, kernelThread: true);
        Assert.Equal(TaskState.Dead, p1.State);
        Assert.True(rig.Reclaim.PgdatWriteback);

        // Pass 2 ages them back to the inactive list (pgdeactivate); pass 3 finds them there: case 1.
        long deactivate = rig.Vm(VmEventItem.Pgdeactivate);
        SimTask p2 = rig.RunTask("kswapd0", rig.Reclaim.ShrinkNode(rig.Kernel.Alloc, ReclaimRig.Pass(0, kswapd: true)), 20 * Ms, kernelThread: true);
        Assert.Equal(TaskState.Dead, p2.State);
        Assert.Equal(64, rig.Vm(VmEventItem.Pgdeactivate) - deactivate);
        Assert.Equal(64, rig.Kernel.Lru.LruvecOf(0).LruSize(LruList.InactiveFile));

        long start = rig.Kernel.Sim.Now;
        SimTask p3 = rig.RunTask("kswapd0", rig.Reclaim.ShrinkNode(rig.Kernel.Alloc, ReclaimRig.Pass(0, kswapd: true)), start + (10 * Ms), kernelThread: true);

        // nr_immediate > 0: kswapd sleeps in reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK), in D.
        Assert.Equal(TaskState.Uninterruptible, p3.State);
        Assert.Equal(MainlineReclaim.ThrottleWaitSite, p3.WaitSite);
        Assert.Equal(1, rig.Reclaim.Throttled[(int)VmscanThrottle.Writeback]);
        Assert.False(rig.Kernel.Lru.LruvecOf(0).NodeCongested); // tagged after the throttle, as shrink_node orders it
        Assert.All(pfns, p => Assert.True(rig.Node.Pages[p].Has(PageFlags.Active)));

        // More than SWAP_CLUSTER_MAX completions wake it before the HZ/10 timeout.
        for (int i = 0; i < 33; i++)
        {
            EndWriteback(rig, f, i);
        }

        rig.Kernel.Sim.Run(start + (20 * Ms));
        Assert.Equal(TaskState.Dead, p3.State);
        Assert.False(p3.LastWaitTimedOut);
        Assert.True(rig.Kernel.Lru.LruvecOf(0).NodeCongested); // every dirty folio was marked and under writeback
        rig.Verify("case 1");
    }

    [Fact]
    public void Case3_cgroup_v1_limit_reclaim_waits_in_D_on_its_own_memcgs_folios_only()
    {
        var rig = new ReclaimRig(cgroups: CgroupVersion.V1);
        MemCgroup a = rig.Kernel.Memcg.Create("/a");
        CachedFile f = rig.Kernel.PageCache.Open("f", 64);
        CachedFile g = rig.Kernel.PageCache.Open("g", 64);
        int[] mine = rig.Read(f, 0, 64);
        int[] theirs = rig.Read(g, 0, 64);
        foreach (int p in mine)
        {
            rig.Charge(p, a);
        }

        SimTask device = rig.Kernel.Sim.Spawn("nvme0", Sleep(1000 * Ms), kernelThread: true);
        var bio = new WaitQueue("bio") { ReleaserFunc = () => device };
        StartWriteback(rig, f, 64, bio);
        StartWriteback(rig, g, 64, bio);

        // A reclaim pass marked them before (PG_reclaim): now FS is allowed and the hierarchy is v1.
        foreach (int p in mine.Concat(theirs))
        {
            rig.Node.Pages[p].Set(PageFlags.Reclaim);
        }

        SimTask t = rig.RunTask("writer", LimitReclaim(rig, a), 10 * Ms);
        Assert.Equal(TaskState.Uninterruptible, t.State);
        Assert.Equal(FolioWait.SiteFolioWaitWriteback, t.WaitSite);
        Assert.Same(device, t.WaitingOn!.Releaser);
        int waitedOn = Array.Find(mine, p => t.WaitingOn.Describe().Contains($"0x{p:x} ", StringComparison.Ordinal));
        Assert.True(waitedOn > 0, t.WaitingOn.Describe());

        // The device completes the memcg's writeback: the waiter wakes, reclaims the now clean folios.
        for (int i = 0; i < 64; i++)
        {
            EndWriteback(rig, f, i);
        }

        rig.Kernel.Sim.Run(rig.Kernel.Sim.Now + (100 * Ms));
        Assert.Equal(TaskState.Dead, t.State);
        Assert.True(rig.Reclaim.WritebackWaits >= 1);
        long reclaimed = rig.Kernel.Current.Ret;
        Assert.True(64 - f.NrCached >= 32, $"{64 - f.NrCached} of the memcg's folios reclaimed");
        Assert.Equal(f.NrCached, a.Memory.Usage);

        // The root's folios were not scanned: still cached, still under writeback, on the root's inactive list.
        Assert.Equal(64, g.NrCached);
        Assert.All(theirs, p => Assert.True(rig.Node.Pages[p].Has(PageFlags.Writeback) && !rig.Node.Pages[p].Has(PageFlags.Active)));
        Assert.Equal(0, rig.Vm(VmEventItem.PgscanDirect) + rig.Vm(VmEventItem.PgscanKswapd)); // memcg reclaim counts in the memcg only
        _ = reclaimed;
        rig.Verify("case 3");
    }

    [Fact]
    public void Cgroup_v2_limit_reclaim_does_not_wait_on_writeback_but_throttles_on_the_congested_lruvec()
    {
        var rig = new ReclaimRig(cgroups: CgroupVersion.V2);
        MemCgroup a = rig.Kernel.Memcg.Create("/a");
        CachedFile f = rig.Kernel.PageCache.Open("f", 64);
        int[] mine = ChargedUnderWritebackMarked(rig, f, a);

        SimTask t = rig.RunTask("writer", LimitReclaim(rig, a), 2000 * Ms);
        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(0, rig.Reclaim.WritebackWaits);
        Assert.True(rig.Reclaim.Throttled[(int)VmscanThrottle.Congested] > 0);
        Assert.Equal(64, f.NrCached);
        Assert.All(mine, p => Assert.True(rig.Node.Pages[p].Has(PageFlags.Reclaim)));
        rig.Verify("v2");
    }

    [Fact]
    public void The_writeback_may_deadlock_flag_turns_case3_into_case2()
    {
        var rig = new ReclaimRig(cgroups: CgroupVersion.V1);
        MemCgroup a = rig.Kernel.Memcg.Create("/a");
        CachedFile f = rig.Kernel.PageCache.Open("fuse", 64);
        f.Flags |= Mm.Folio.AsFlags.WritebackMayDeadlockOnReclaim;
        int[] mine = ChargedUnderWritebackMarked(rig, f, a);

        SimTask t = rig.RunTask("server", LimitReclaim(rig, a), 2000 * Ms);
        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(0, rig.Reclaim.WritebackWaits);
        Assert.Equal(64, f.NrCached);
        rig.Verify("flagged");
    }

    // 64 pages of f read, charged to a, under writeback and marked PG_reclaim by an earlier reclaim pass.
    private static int[] ChargedUnderWritebackMarked(ReclaimRig rig, CachedFile f, MemCgroup a)
    {
        int[] pages = rig.Read(f, 0, 64);
        foreach (int p in pages)
        {
            rig.Charge(p, a);
        }

        StartWriteback(rig, f, 64, ender: null);
        foreach (int p in pages)
        {
            rig.Node.Pages[p].Set(PageFlags.Reclaim);
        }

        return pages;
    }

    internal static void StartWriteback(ReclaimRig rig, CachedFile file, long count, IWaitTarget? ender)
    {
        for (long i = 0; i < count; i++)
        {
            rig.Kernel.PageCache.StartWriteback(file, i, rig.Kernel.FolioWait, ender!);
        }
    }

    // folio_end_writeback as the writeback model runs it: PG_reclaim folios rotate to the inactive tail, the bit
    // clears and waiters wake, then acct_reclaim_writeback (wired by the kernel). Done once, by the kernel's path.
    internal static void EndWriteback(ReclaimRig rig, CachedFile file, long index) =>
        rig.Kernel.PageCache.EndWriteback(file, index, rig.Kernel.FolioWait);

    private static IEnumerable<Wait> LimitReclaim(ReclaimRig rig, MemCgroup memcg)
    {
        yield return Wait.Call(rig.Reclaim.TryToFreeMemCgroupPages(memcg, 32, GfpFlags.HighUserMovable));
    }

    private static IEnumerable<Wait> Sleep(long ns)
    {
        yield return Wait.For(ns);
    }
}
