using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Stat;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.Writeback;

/// <summary>mm/page-writeback.c folio states: the accounting of dirtying, cleaning for I/O, start and end of writeback.</summary>
public class FolioWritebackStateTests
{
    private sealed class Acct : IReclaimWritebackAcct
    {
        public List<(int Pfn, int Nr)> Calls { get; } = [];

        public void AcctReclaimWriteback(int pfn, int nrPages) => Calls.Add((pfn, nrPages));
    }

    [Fact]
    public void Dirty_then_writeback_then_clean_moves_every_counter_as_the_kernel_does()
    {
        var rig = new WritebackRig();
        CachedFile f = rig.Kernel.OpenFile(null, "f", 4);
        var acct = new Acct();
        rig.Kernel.ReclaimWritebackAcct = acct;
        rig.Kernel.Sim.Spawn("w", rig.Writer(f, 1));
        rig.Kernel.Sim.Run(WritebackRig.Ms);
        int pfn = f.Pfn[0];
        BdiWriteback wb = rig.Cache.WbOf(f)!;
        Assert.True(rig.Kernel.Node.Pages[pfn].Has(PageFlags.Dirty));
        Assert.Equal(1, rig.NodeStat(NodeStatItem.NrDirty));
        Assert.Equal(1, rig.NodeStat(NodeStatItem.NrDirtied));
        Assert.Equal(1, wb.Stat(WbStatItem.Reclaimable));
        Assert.Equal(1, wb.Stat(WbStatItem.Dirtied));
        Assert.Equal(1, rig.Kernel.Node.PageZone(pfn).ZonePageState(ZoneStatItem.NrZoneWritePending));
        Assert.True(f.DirtiedWhenNs >= 0);
        Assert.Contains(f, wb.BDirty);

        // write_cache_pages: clear for I/O, start writeback, with PG_reclaim set by reclaim meanwhile.
        Assert.True(rig.Kernel.FolioWait.FolioTrylock(pfn));
        Assert.True(rig.Cache.FolioClearDirtyForIo(f, pfn));
        rig.Cache.FolioStartWriteback(f, pfn, null);
        rig.Kernel.FolioWait.FolioUnlock(pfn);
        rig.Kernel.Node.Pages[pfn].Set(PageFlags.Reclaim);
        Assert.Equal(0, rig.NodeStat(NodeStatItem.NrDirty));
        Assert.Equal(1, rig.NodeStat(NodeStatItem.NrWriteback));
        Assert.Equal(0, wb.Stat(WbStatItem.Reclaimable));
        Assert.Equal(1, wb.Stat(WbStatItem.Writeback));
        Assert.Equal(1, rig.Kernel.Node.PageZone(pfn).ZonePageState(ZoneStatItem.NrZoneWritePending));
        Assert.Null(rig.Cache.VerifyWritebackCounts());

        rig.Kernel.Sim.Run(rig.Kernel.Sim.Now + (5 * WritebackRig.Ms));
        rig.Cache.FolioEndWriteback(pfn);
        Assert.False(rig.Kernel.Node.Pages[pfn].Has(PageFlags.Writeback));
        Assert.False(rig.Kernel.Node.Pages[pfn].Has(PageFlags.Reclaim));
        Assert.Equal(0, rig.NodeStat(NodeStatItem.NrWriteback));
        Assert.Equal(1, rig.NodeStat(NodeStatItem.NrWritten));
        Assert.Equal(1, wb.Stat(WbStatItem.Written));
        Assert.Equal(0, rig.Kernel.Node.PageZone(pfn).ZonePageState(ZoneStatItem.NrZoneWritePending));
        Assert.Equal([(pfn, 1)], acct.Calls);
        Assert.Equal(1, wb.Lifetimes.Count);
        Assert.Equal(5 * WritebackRig.Ms, wb.Lifetimes.MaxNs);
        Assert.Null(rig.Cache.VerifyWritebackCounts());
        rig.Verify("end");
    }

    [Fact]
    public void Redirtying_a_dirty_folio_counts_nothing_more()
    {
        var rig = new WritebackRig();
        CachedFile f = rig.Kernel.OpenFile(null, "f", 4);
        rig.Kernel.Sim.Spawn("w", rig.Writer(f, 3, first: 0));
        rig.Kernel.Sim.Spawn("w2", rig.Writer(f, 3, first: 0));
        rig.Kernel.Sim.Run(WritebackRig.Ms);
        Assert.Equal(3, rig.NodeStat(NodeStatItem.NrDirty));
        Assert.Equal(3, rig.NodeStat(NodeStatItem.NrDirtied));
        Assert.Equal(3, f.NrDirty);
    }

    [Fact]
    public void Lifetime_histogram_gives_count_mean_and_quantiles()
    {
        var h = new WritebackLifetimes();
        for (int i = 1; i <= 100; i++)
        {
            h.Add(i * SimTime.NsPerMs);
        }

        Assert.Equal(100, h.Count);
        Assert.Equal(50_500, h.MeanUs, 3);
        Assert.Equal(100_000, h.MaxNs / 1000);
        Assert.InRange(h.QuantileUs(0.5), 50_000, 50_000 * 17 / 16.0);
        Assert.InRange(h.QuantileUs(0.99), 99_000, 100_000);
        long total = 0;
        for (int b = 0; b < WritebackLifetimes.Buckets; b++)
        {
            total += h.Bucket(b);
        }

        Assert.Equal(100, total);

        // 1 ms = 1000 µs is in [512, 1024): bucket 10.
        Assert.Equal(1, h.Bucket(10));
    }
}
