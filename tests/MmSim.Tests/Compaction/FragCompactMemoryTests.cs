using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;
using MmSim.Tests.Workloads;

namespace MmSim.Tests.Compaction;

/// <summary>The <c>frag</c> preset followed by /proc/sys/vm/compact_memory.</summary>
public class FragCompactMemoryTests
{
    private const long Ms = SimTime.NsPerMs;

    [Fact]
    public void Compact_memory_after_frag_restores_free_order_9_blocks_to_nearly_all_free_memory()
    {
        TimedHarness h = Frag();
        long free = h.FreePages;
        long before = FreePagesInBlocks(h);
        CompactMemory(h);
        long after = FreePagesInBlocks(h);
        long freeAfter = h.FreePages;
        Assert.True(before * 100 < free, $"frag leaves {before} of {free} free pages in order-9+ blocks");
        Assert.True(after * 100 >= freeAfter * 97, $"compact_memory: {after} of {freeAfter} free pages in order-9+ blocks; migrate scanned {h.VmStat(VmEventItem.CompactMigrateScanned)} free scanned {h.VmStat(VmEventItem.CompactFreeScanned)} isolated {h.VmStat(VmEventItem.CompactIsolated)} migrated {h.VmStat(VmEventItem.PgmigrateSuccess)} failed {h.VmStat(VmEventItem.PgmigrateFail)}");
        Assert.True(h.VmStat(VmEventItem.PgmigrateSuccess) > 0 && h.VmStat(VmEventItem.CompactMigrateScanned) > 0 && h.VmStat(VmEventItem.CompactFreeScanned) > 0);
        Assert.Equal(0, h.VmStat(VmEventItem.PgmigrateFail));
        h.Verify("compact_memory after frag");
    }

    [Fact]
    public void With_one_pinned_page_in_one_percent_of_blocks_exactly_those_blocks_stay_uncompactable()
    {
        TimedHarness h = Frag();
        PageFrame[] pages = h.Alloc.Node.Pages;
        Zone normal = h.Alloc.Node.Zones[(int)ZoneType.Normal];
        int blocks = normal.SpannedPages >> MmConstants.PageblockOrder;
        var pinned = new List<int>();
        for (int b = 50; b < blocks; b += 100)
        {
            int start = normal.ZoneStartPfn + (b << MmConstants.PageblockOrder);
            int pfn = Enumerable.Range(start, MmConstants.PageblockNrPages).First(p => pages[p].Has(PageFlags.Lru) && pages[p].OwnerKind == OwnerKind.Anon);
            h.Kernel.Refs.AddPins(pfn, 1);
            pinned.Add(pfn);
        }

        CompactMemory(h);
        long free = h.FreePages;
        long inBlocks = FreePagesInBlocks(h);

        // The pinned pages did not move, and their blocks never became free blocks.
        Assert.All(pinned, p => Assert.True(pages[p].Has(PageFlags.Allocated | PageFlags.Pinned) && pages[p].Has(PageFlags.Lru)));
        Assert.All(pinned, p => Assert.False(BlockFree(pages, p & ~(MmConstants.PageblockNrPages - 1))));

        // Every other block compacted: the free memory outside order-9 blocks is what the pinned blocks hold, within a few percent.
        long stranded = free - inBlocks;
        long pinnedBlockPages = pinned.Count * (long)MmConstants.PageblockNrPages;
        Assert.True(stranded <= pinnedBlockPages + (free * 3 / 100), $"{stranded} free pages outside order-9 blocks, pinned blocks hold {pinnedBlockPages}");
        Assert.True(stranded >= pinnedBlockPages / 2, $"the pinned blocks' free pages ({stranded}) stay outside order-9 blocks");
        h.Verify("compact_memory with pins");
    }

    private static bool BlockFree(PageFrame[] pages, int start)
    {
        for (int o = MmConstants.MaxPageOrder; o >= MmConstants.PageblockOrder; o--)
        {
            int head = start & ~((1 << o) - 1);
            if (pages[head].Has(PageFlags.Buddy) && pages[head].Order >= o)
            {
                return true;
            }
        }

        return false;
    }

    // The kernel's free scanner probes every stride-th page, and the stride has grown to COMPACT_CLUSTER_MAX
    // over the whole blocks frag takes at the top of the zone; the spread pattern keeps exactly the pages
    // at offsets divisible by 4, so every probe lands on a kept page and no target is ever found.
    [Fact]
    public void With_the_spread_pattern_the_grown_stride_only_ever_probes_kept_pages_and_compact_memory_moves_nothing()
    {
        TimedHarness h = Frag("spread");
        long before = FreePagesInBlocks(h);
        CompactMemory(h);
        Assert.Equal(before, FreePagesInBlocks(h));
        Assert.Equal(0, h.VmStat(VmEventItem.PgmigrateSuccess));
        Assert.True(h.VmStat(VmEventItem.CompactFreeScanned) > 0);
        h.Verify("compact_memory after spread frag");
    }

    private static TimedHarness Frag(string pattern = "head")
    {
        var h = TimedHarness.Start(TimedHarness.NormalMachine("1GiB") + $"workloads:\n  - type: frag\n    pattern: {pattern}\n");
        h.RunUntil(Ms);
        h.Alloc.DrainAllPages();
        return h;
    }

    private static void CompactMemory(TimedHarness h)
    {
        SimTask t = h.Sim.Spawn("sh", h.Kernel.CompactMemory());
        h.RunUntil(h.Sim.Now + (60_000 * Ms));
        Assert.Equal(TaskState.Dead, t.State);
        h.Alloc.DrainAllPages();
    }

    private static long FreePagesInBlocks(TimedHarness h)
    {
        long n = 0;
        foreach (Zone z in h.Alloc.Node.Zones)
        {
            for (int o = MmConstants.PageblockOrder; o < MmConstants.NrPageOrders; o++)
            {
                n += z.NrFree[o] << o;
            }
        }

        return n;
    }
}
