using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;
using MmSim.Mm.Vmscan;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Vmscan;

/// <summary>Reclaim of page cache: dirty folios left to writeback, kswapd to the high watermark, direct reclaim, workingset.</summary>
public class ReclaimTests
{
    private const long Ms = ReclaimRig.Ms;

    [Fact]
    public void Dirty_folios_are_marked_for_immediate_reclaim_wake_the_flusher_and_go_once_written_and_rotated()
    {
        var rig = new ReclaimRig();
        CachedFile f = rig.Kernel.PageCache.Open("f", 64);
        int[] pfns = rig.Read(f, 0, 64);
        for (int i = 0; i < 64; i++)
        {
            // folio_mark_dirty, as write_end does (the write path itself would also throttle the writer).
            Assert.True(rig.Kernel.PageCache.FolioMarkDirty(f, pfns[i]));
        }

        SimTask t = rig.RunTask("reader", rig.Reclaim.ShrinkNode(rig.Kernel.Alloc, ReclaimRig.Pass(0, kswapd: false)), 100 * Ms);
        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(64, f.NrCached);
        Assert.Equal(64, rig.Stat(NodeStatItem.NrVmscanImmediateReclaim));
        Assert.All(pfns, p => Assert.True(rig.Node.Pages[p].Has(PageFlags.Reclaim | PageFlags.Active)));
        Assert.Equal(0, rig.Stat(NodeStatItem.NrVmscanWrite)); // 6.18 reclaim never writes regular files
        Assert.Equal([WbReason.Vmscan, WbReason.Vmscan], rig.Flusher.Wakeups); // each batch was all unqueued dirty

        // The flusher writes them; folio_end_writeback rotates each PG_reclaim folio to the inactive tail.
        WritebackCaseTests.StartWriteback(rig, f, 64, ender: null);
        for (int i = 0; i < 64; i++)
        {
            WritebackCaseTests.EndWriteback(rig, f, i);
        }

        Assert.Equal(64, rig.Vm(VmEventItem.Pgrotated));
        Assert.Equal(64, rig.Kernel.Lru.LruvecOf(0).LruSize(LruList.InactiveFile));
        Assert.Equal(pfns[63], rig.Kernel.Lru.LruvecOf(0).Last(LruList.InactiveFile)); // rotated to the tail in completion order

        rig.Kernel.Alloc.DrainAllPages();
        long free = rig.Free;
        t = rig.RunTask("reader", rig.Reclaim.ShrinkNode(rig.Kernel.Alloc, ReclaimRig.Pass(0, kswapd: false)), rig.Kernel.Sim.Now + (100 * Ms));
        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(0, f.NrCached);
        Assert.Equal(64, rig.Vm(VmEventItem.PgstealDirect));
        Assert.Equal(64, rig.Vm(VmEventItem.PgstealFile));
        rig.Kernel.Alloc.DrainAllPages();
        Assert.Equal(free + 64, rig.Free);
        Assert.All(Enumerable.Range(0, 64), i => Assert.True(Workingset.IsShadow(f.Pfn[i])));
        Assert.False(PageCache.TryReadCached(f, 0));
        rig.Verify("dirty");
    }

    [Fact]
    public void Kswapd_reclaims_clean_page_cache_until_the_zone_is_above_its_high_watermark()
    {
        var rig = new ReclaimRig();
        rig.Kernel.StartDaemons();
        CachedFile f = rig.Kernel.PageCache.Open("big", 1 << 14);
        SimTask reader = rig.Kernel.Sim.Spawn("reader", ReadAll(rig, f, 1 << 14, pauseEvery: 64));
        rig.Kernel.Sim.Run(5000 * Ms);

        Assert.Equal(TaskState.Dead, reader.State);
        Assert.True(rig.Vm(VmEventItem.PgstealKswapd) > 0);
        Assert.True(rig.Vm(VmEventItem.Pageoutrun) > 0);
        Assert.Equal(0, rig.Kernel.Daemons!.Kswapd.KswapdFailures);
        Assert.True(rig.Free >= rig.Zone.WmarkPages(WatermarkIndex.High), $"free {rig.Free}, high {rig.Zone.WmarkPages(WatermarkIndex.High)}");
        Assert.True(rig.Kernel.Daemons.Kswapd.PgdatBalanced(0, (int)ZoneType.Normal));
        Assert.Equal(rig.Stat(NodeStatItem.NrFilePages), f.NrCached);
        Assert.True(f.NrCached < 1 << 13);
        rig.Verify("kswapd");
    }

    [Fact]
    public void Direct_reclaim_frees_clean_file_pages_for_an_allocation()
    {
        var rig = new ReclaimRig();
        CachedFile f = rig.Kernel.PageCache.Open("big", 1 << 14);

        // Fill memory with clean page cache until a readahead allocation (__GFP_NORETRY) is refused.
        long cached = 0;
        while (rig.Kernel.RunAtomic(rig.Kernel.PageCache.Read(f, cached, rig.Tally)) == 1)
        {
            cached++;
        }

        Assert.True(cached > (1 << 13) * 8 / 10, $"{cached} pages cached");
        SimTask t = rig.Kernel.Sim.Spawn("alloc", AllocateMany(rig, 2000));
        rig.Kernel.Sim.Run(5000 * Ms);

        Assert.Equal(TaskState.Dead, t.State);
        Assert.True(rig.Vm(VmEventItem.AllocstallMovable) > 0); // reclaim_idx is gfp_zone(GFP_HIGHUSER_MOVABLE)
        Assert.True(rig.Vm(VmEventItem.PgstealDirect) >= 2000 - rig.Free);
        Assert.Equal(rig.Vm(VmEventItem.PgstealDirect), rig.Vm(VmEventItem.PgstealFile));
        Assert.Equal(0, rig.Vm(VmEventItem.PgscanKswapd)); // no kswapd was started
        Assert.Equal(cached - rig.Vm(VmEventItem.PgstealDirect), f.NrCached);
        rig.Verify("direct");
    }

    private static IEnumerable<Wait> AllocateMany(ReclaimRig rig, int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return Wait.Call(rig.Kernel.AllocPagesWait(GfpFlags.HighUserMovable, 0));
            Assert.True(rig.Kernel.Current.AllocResult >= 0, $"allocation {i} failed");
        }
    }

    [Fact]
    public void A_refault_within_the_workingset_is_activated_and_one_beyond_it_is_not()
    {
        var rig = new ReclaimRig();
        CachedFile hot = rig.Kernel.PageCache.Open("hot", 128);
        foreach (int p in rig.Read(hot, 0, 128))
        {
            rig.Kernel.Lru.FolioMarkAccessed(p);
            rig.Kernel.Lru.FolioMarkAccessed(p);
        }

        Assert.Equal(128, rig.Kernel.Lru.LruvecOf(0).LruSize(LruList.ActiveFile));
        CachedFile cold = rig.Kernel.PageCache.Open("cold", 200);
        rig.Read(cold, 0, 200);
        SimTask t = rig.RunTask("reader", rig.Reclaim.ShrinkNode(rig.Kernel.Alloc, ReclaimRig.Pass(0, kswapd: false)), 100 * Ms);
        Assert.Equal(TaskState.Dead, t.State);
        Assert.Equal(0, cold.NrCached);
        Assert.Equal(128, rig.Kernel.Lru.LruvecOf(0).LruSize(LruList.ActiveFile)); // inactive was not low: no aging
        Assert.All(Enumerable.Range(0, 200), i => Assert.True(Workingset.IsShadow(cold.Pfn[i])));

        // The last page evicted refaults at distance 1, within the 128-page active list: activate.
        int pfn = rig.Kernel.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.File);
        Assert.True(rig.Kernel.Workingset.Refault(pfn, cold.Pfn[199]));
        Assert.True(rig.Node.Pages[pfn].Has(PageFlags.Active));
        Assert.Equal(1, rig.Stat(NodeStatItem.WorkingsetRefaultFile));
        Assert.Equal(1, rig.Stat(NodeStatItem.WorkingsetActivateFile));

        // The first page evicted refaults at distance 200 (+1), beyond the workingset: not activated, still a refault.
        int pfn2 = rig.Kernel.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.File);
        Assert.False(rig.Kernel.Workingset.Refault(pfn2, cold.Pfn[0]));
        Assert.False(rig.Node.Pages[pfn2].Has(PageFlags.Active));
        Assert.Equal(2, rig.Stat(NodeStatItem.WorkingsetRefaultFile));
        Assert.Equal(1, rig.Stat(NodeStatItem.WorkingsetActivateFile));
    }

    [Fact]
    public void Shadow_entries_pack_and_unpack()
    {
        foreach ((ushort memcg, long eviction, bool ws) in new[] { ((ushort)0, 0L, false), ((ushort)7, 12345L, true), ((ushort)4095, (1L << Workingset.EvictionBits) - 1, true) })
        {
            int shadow = Workingset.PackShadow(memcg, eviction, ws);
            Assert.True(Workingset.IsShadow(shadow));
            Workingset.UnpackShadow(shadow, out ushort m, out long e, out bool w);
            Assert.Equal((memcg, eviction, ws), (m, e, w));
        }

        Assert.False(Workingset.IsShadow(-1));
        Assert.False(Workingset.IsShadow(0));
    }

    // Reads pages 0..count-1; pauseEvery > 0 sleeps 1 ms every that many pages (a reader kswapd can keep up with).
    private static IEnumerable<Wait> ReadAll(ReclaimRig rig, CachedFile f, long count, int pauseEvery)
    {
        for (long i = 0; i < count; i++)
        {
            yield return Wait.Call(rig.Kernel.PageCache.Read(f, i, rig.Tally));
            Assert.Equal(1, rig.Kernel.Current.Ret);
            if (pauseEvery > 0 && i % pauseEvery == 0)
            {
                yield return Wait.For(1 * Ms);
            }
        }
    }
}
