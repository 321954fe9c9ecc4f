using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Tests.Compaction;

/// <summary>compaction_capture (tied to the compacting task, its zone and exactly its order) and the pageblock skip bits.</summary>
public class CaptureAndSkipBitTests
{
    [Theory]
    [InlineData("compactor", true, 2, true)]
    [InlineData("other-task", true, 2, false)]
    [InlineData("compactor", false, 2, false)]
    [InlineData("compactor", true, 1, false)]
    [InlineData("compactor", true, 3, false)]
    [InlineData("kthread", true, 2, false)]
    public void A_freed_block_is_captured_only_by_the_compacting_task_in_its_zone_at_exactly_its_order(string freer, bool zoneSet, int freedOrder, bool captured)
    {
        var rig = new CompactionRig();
        rig.FillWithFolios();
        rig.TakeAllFree();
        int block = rig.Kernel.Alloc.Node.Zones[(int)ZoneType.Normal].ZoneStartPfn;
        int pfn = Enumerable.Range(0, rig.Zone.SpannedPages >> freedOrder).Select(i => rig.Zone.ZoneStartPfn + (i << freedOrder))
            .First(p => rig.Pages[p].Has(PageFlags.Allocated) && rig.Pages[p].Order == 0 && AllFolios(rig, p, freedOrder));
        _ = block;

        // Make the aligned run of folios one block of freedOrder, freed as one.
        for (int p = pfn; p < pfn + (1 << freedOrder); p++)
        {
            rig.Kernel.Rmap.Unmap(p);
            rig.Kernel.Lru.FolioPutLru(p);
            rig.Pages[p].Flags = PageFrame.Empty.Flags;
        }

        rig.Kernel.Alloc.PostAllocHookIsolated(pfn, freedOrder);
        var capc = new CaptureControl { Order = 2, Migratetype = MigrateType.Movable, Zone = zoneSet ? ZoneType.Normal : null };
        SimTask compactor = rig.Kernel.Sim.Spawn("compactor", Capturing(rig, capc, freer == "compactor" ? pfn : -1, freedOrder));
        if (freer != "compactor")
        {
            rig.Kernel.Sim.Spawn(freer, FreeBlock(rig, pfn, freedOrder), kernelThread: freer == "kthread");
        }

        rig.Kernel.Sim.Run(rig.Kernel.Sim.Now + CompactionRig.Ms);
        Assert.Equal(captured ? pfn : -1, capc.Page);
        rig.Verify("after the free");
        _ = compactor;
    }

    [Fact]
    public void Direct_compaction_captures_a_block_of_its_order_in_its_zone()
    {
        CompactionRig rig = DeferralAndResultTests.Punched();
        var capc = new CaptureControl { Order = 9, Migratetype = MigrateType.Movable };
        Assert.Equal(CompactResult.Success, DeferralAndResultTests.Direct(rig, CompactPriority.SyncLight, capc));
        Assert.True(capc.Page >= 0 && (capc.Page & (MmConstants.PageblockNrPages - 1)) == 0 && rig.Zone.SpansPfn(capc.Page));
        Assert.False(rig.Pages[capc.Page].Has(PageFlags.Buddy) || rig.Pages[capc.Page].Has(PageFlags.Allocated));
        Assert.Null(capc.Zone);
        rig.Verify("captured, not yet prepared");
        rig.Kernel.Alloc.PostAllocHookIsolated(capc.Page, 9);
        rig.Verify("captured block handed out");
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)]
    public void A_block_the_migrate_scanner_took_nothing_from_gets_its_skip_bit_unless_no_set_skip_hint(bool ignoreSkipHint, bool noSetSkipHint, bool expectSkip)
    {
        var rig = new CompactionRig();
        List<int> folios = rig.FillWithFolios();
        int start = folios[^1] & ~(MmConstants.PageblockNrPages - 1);
        foreach (int p in folios.Where(p => p >= start && p < start + MmConstants.PageblockNrPages))
        {
            rig.Kernel.Refs.AddPins(p, 1);
        }

        var cc = new CompactControl { Zone = rig.Zone, Order = -1, Mode = MigrateMode.Sync, GfpMask = GfpFlags.Kernel, IgnoreSkipHint = ignoreSkipHint, NoSetSkipHint = noSetSkipHint };
        rig.Compact.IsolateMigratepagesBlock(cc, start, start + MmConstants.PageblockNrPages, IsolateMode.Unevictable);
        Assert.Equal(0, cc.NrMigratepages);
        Assert.Equal(expectSkip, rig.Compact.GetPageblockSkip(start));

        // A block with isolatable folios: the first isolation marks it (test_and_set_skip, so other compactors
        // pass it by) unless skip hints are ignored.
        int other = folios[0] & ~(MmConstants.PageblockNrPages - 1);
        var cc2 = new CompactControl { Zone = rig.Zone, Order = -1, Mode = MigrateMode.Sync, GfpMask = GfpFlags.Kernel, IgnoreSkipHint = ignoreSkipHint, NoSetSkipHint = noSetSkipHint };
        rig.Compact.IsolateMigratepagesBlock(cc2, other, other + MmConstants.PageblockNrPages, IsolateMode.Unevictable);
        Assert.Equal(CompactControl.CompactClusterMax, cc2.NrMigratepages);
        Assert.Equal(!ignoreSkipHint && !noSetSkipHint, rig.Compact.GetPageblockSkip(other));
        rig.Kernel.Migrate.PutbackMovablePages(cc2.Migratepages);
    }

    [Fact]
    public void Skip_bits_are_cleared_when_kswapd_sleeps_only_after_a_direct_compaction_met_its_scanners_and_only_on_blocks_with_LRU_or_free_pages()
    {
        CompactionRig rig = DeferralAndResultTests.PinnedPunched();
        var marked = new List<int>();
        for (int b = rig.Zone.ZoneStartPfn; b < rig.Zone.ZoneEndPfn; b += MmConstants.PageblockNrPages)
        {
            rig.Node.PageblockFlags[b >> MmConstants.PageblockOrder] |= PgData.PbMigrateSkip;
            marked.Add(b);
        }

        // Without the flush flag, kswapd's reset_isolation_suitable leaves them.
        rig.Compact.ResetIsolationSuitable(rig.Node);
        Assert.All(marked, b => Assert.True(rig.Compact.GetPageblockSkip(b)));

        // A direct compaction whose scanners meet sets the flag (ASYNC, which does not defer).
        Assert.Equal(CompactResult.Complete, DeferralAndResultTests.Direct(rig, CompactPriority.Async));
        Assert.True(rig.Compact.StateOf(rig.Zone).BlockskipFlush);
        rig.Compact.ResetIsolationSuitable(rig.Node);
        Assert.False(rig.Compact.StateOf(rig.Zone).BlockskipFlush);
        // A block whose sample (every 8th page) finds neither an LRU nor a free page keeps its bit; only sampled
        // candidates are cleared, and some are.
        bool Sampled(int b, PageFlags f) => Enumerable.Range(0, MmConstants.PageblockNrPages / 8).Any(i => rig.Pages[b + (i * 8)].Has(f));
        Assert.All(marked.Where(b => !Sampled(b, PageFlags.Lru) && !Sampled(b, PageFlags.Buddy)), b => Assert.True(rig.Compact.GetPageblockSkip(b)));
        List<int> cleared = [.. marked.Where(b => !rig.Compact.GetPageblockSkip(b))];
        Assert.NotEmpty(cleared);
        Assert.All(cleared, b => Assert.True(Sampled(b, PageFlags.Lru) || Sampled(b, PageFlags.Buddy)));
    }

    private static bool AllFolios(CompactionRig rig, int pfn, int order)
    {
        for (int p = pfn; p < pfn + (1 << order); p++)
        {
            if (!rig.Pages[p].Has(PageFlags.Lru) || rig.Pages[p].Order != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<Wait> Capturing(CompactionRig rig, CaptureControl capc, int freePfn, int order)
    {
        rig.Kernel.Current.Capture = capc;
        if (freePfn >= 0)
        {
            rig.Kernel.Alloc.FreePages(freePfn, order);
        }

        yield return Wait.For(CompactionRig.Ms / 2);
        rig.Kernel.Current.Capture = null;
        if (capc.Page >= 0)
        {
            rig.Kernel.Alloc.PostAllocHookIsolated(capc.Page, capc.Order);
            rig.Kernel.Alloc.FreePages(capc.Page, capc.Order);
        }
    }

    private static IEnumerable<Wait> FreeBlock(CompactionRig rig, int pfn, int order)
    {
        rig.Kernel.Alloc.FreePages(pfn, order);
        yield break;
    }
}
