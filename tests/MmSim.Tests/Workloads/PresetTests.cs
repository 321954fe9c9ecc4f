using MmSim.Mm.Memory;
using MmSim.Mm;
using MmSim.Mm.Stat;
using MmSim.Scenario;
using MmSim.Tests.Scenario;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Workloads;

/// <summary>Each preset, run from its shipped scenario, shows its characteristic signature.</summary>
public class PresetTests
{
    private const long Ms = 1_000_000;

    // The kept pages are movable, but the pattern is laid down in one go at time 0 and checked 1 ms later,
    // before any compaction could run.
    [Fact]
    public void Frag_leaves_no_free_order_9_block_while_more_than_a_quarter_of_memory_is_free()
    {
        var h = TimedHarness.Start(TimedHarness.NormalMachine("2GiB") + "workloads:\n  - type: frag\n");
        h.RunUntil(Ms);
        h.Alloc.DrainAllPages();
        Assert.Equal(0, h.FreeBlocksAtLeast(MmConstants.PageblockOrder));
        Assert.True(h.FreePages * 4 > h.ManagedPages, $"{h.FreePages} of {h.ManagedPages} pages free");

        // The spread pattern keeps one page in four: free memory is in order-0 and order-1 holes,
        // bar the few pieces the watermark reserve kept from the fill.
        long bigPages = 0;
        foreach (Mm.PageAlloc.Zone z in h.Alloc.Node.Zones)
        {
            bigPages += Enumerable.Range(2, MmConstants.NrPageOrders - 2).Sum(o => z.NrFree[o] << o);
        }

        Assert.True(bigPages * 100 < h.FreePages, $"{bigPages} of {h.FreePages} free pages in blocks of order 2 or more");
        WorkloadStats stats = h.Workloads[0].Stats;
        Assert.Equal(stats.Metric(Frag.FreedPages), stats.Metric(Frag.KeptPages) * 3, tolerance: stats.Metric(Frag.KeptPages) / 100.0);
        h.Verify("frag");
    }

    // With compaction a fault may now get a huge page, but the spread pattern (one kept page in four, in every
    // block) leaves nearly every THP fault to fall back.
    [Fact]
    public void The_frag_scenario_leaves_DMA32_without_huge_pages_and_its_THP_process_mostly_falls_back()
    {
        TimedHarness h = Shipped("frag");
        h.RunUntil(h.Config.DurationNs);
        h.Alloc.DrainAllPages();
        Assert.Equal(0, h.FreeBlocksAtLeast(MmConstants.PageblockOrder, ZoneType.Dma32));
        Assert.True(h.FreePages * 4 > h.ManagedPages);
        Assert.Equal(64, h.VmStat(VmEventItem.ThpFaultFallback) + h.VmStat(VmEventItem.ThpFaultAlloc));
        Assert.True(h.VmStat(VmEventItem.ThpFaultFallback) >= 48, $"{h.VmStat(VmEventItem.ThpFaultFallback)} of 64 THP faults fell back");
        h.Verify("frag scenario");
    }

    // compaction_test.c's pass criterion: compaction_index = 80% of MemFree / huge pages got ≤ 3. The locked
    // (unevictable) mappings are migrated (compact_unevictable_allowed) by the hugetlb allocations' direct compaction.
    [Fact]
    public void Compaction_test_reaches_its_pass_criterion()
    {
        TimedHarness h = Shipped("compaction_test");
        h.RunUntil(h.Config.DurationNs);
        WorkloadStats s = h.Workloads[0].Stats;
        long requested = s.Metric(CompactionTestWorkload.HugepagesRequested);
        long got = s.Metric(CompactionTestWorkload.HugepagesAllocated);
        Assert.InRange(requested, 180, 220);
        Assert.InRange(got, requested * 9 / 10, requested);
        Assert.InRange(s.Metric(CompactionTestWorkload.CompactionIndex), 0, 3);
        Assert.Equal(1, s.Metric(CompactionTestWorkload.Passed));
        Assert.Equal(got, h.VmStat(VmEventItem.HtlbBuddyAllocSuccess));
        Assert.Equal(got * 512, h.VmStat(NodeStatItem.NrHugetlb));

        // More than the untouched blocks: the fragmented half was compacted.
        Assert.True(got * 2 * Units.MiB >= h.ManagedPages * Units.PageSizeBytes * 3 / 10);
        Assert.True(h.VmStat(VmEventItem.PgmigrateSuccess) > 0);
        h.Verify("compaction_test");
    }

    [Fact]
    public void Compaction_test_with_100MiB_mappings_leaves_whole_blocks_between_them()
    {
        var h = TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: compaction_test\n    chunk: 100MiB\n");
        h.RunUntil(2000 * Ms);
        Assert.Equal(1, h.Workloads[0].Stats.Metric(CompactionTestWorkload.Passed));
        h.Verify("compaction_test 100MiB");
    }

    // As mmtests runs it (issue 8): the reader's files hold more than memory, so reclaim (direct here: the harness
    // starts no kswapd) frees clean page cache page by page all over memory, and the THP faults that all succeeded
    // before reclaim began fall back while it runs.
    [Fact]
    public void Thpchallenge_THP_faults_fall_back_once_reclaim_scatters_the_page_cache()
    {
        TimedHarness h = Shipped("thpchallenge");
        long blocksAtStart = h.FreeBlocksAtLeast(MmConstants.PageblockOrder);
        long now = 0;
        while (h.VmStat(VmEventItem.PgscanFile) == 0 && now < h.Config.DurationNs)
        {
            now += 10 * Ms;
            h.RunUntil(now);
        }

        long fallbackBeforeReclaim = h.VmStat(VmEventItem.ThpFaultFallback);
        long allocBeforeReclaim = h.VmStat(VmEventItem.ThpFaultAlloc);
        long filePagesAtReclaim = h.VmStat(NodeStatItem.NrFilePages);
        h.RunUntil(h.Config.DurationNs);
        long fallback = h.VmStat(VmEventItem.ThpFaultFallback);
        Assert.True(now < h.Config.DurationNs / 2, $"reclaim began at {now / Ms} ms");
        Assert.Equal(0, fallbackBeforeReclaim);
        Assert.True(allocBeforeReclaim > 0, "THP faults succeeded before reclaim began");
        Assert.True(fallback > 0, $"{fallback} THP faults fell back after reclaim began ({h.VmStat(VmEventItem.ThpFaultAlloc) - allocBeforeReclaim} did not)");

        // The reader read more than memory holds: reclaim freed page cache, more than memory's worth of it.
        long steal = h.VmStat(VmEventItem.PgstealFile);
        Assert.True(steal > h.ManagedPages, $"pgsteal_file {steal} of {h.ManagedPages} managed pages");
        Assert.Equal(h.VmStat(VmEventItem.PgscanFile), h.VmStat(VmEventItem.PgscanKswapd) + h.VmStat(VmEventItem.PgscanDirect));
        Assert.True(h.VmStat(NodeStatItem.NrFilePages) >= filePagesAtReclaim / 2);
        Assert.True(h.FreeBlocksAtLeast(MmConstants.PageblockOrder) * 4 < blocksAtStart);
        Assert.True(h.VmStat(NodeStatItem.NrSlabReclaimable) > 0 && h.VmStat(NodeStatItem.NrSlabUnreclaimable) > 0);
        Assert.Equal(fallback, h.Workloads[0].Stats.Metric(AnonVma.ThpFaultFallbackMetric));
        h.Verify("thpchallenge");
    }

    // The spread frag pattern the preset lays down leaves some faults falling back even with compaction.
    [Fact]
    public void Thpcompact_gets_a_THP_success_rate_below_100_percent()
    {
        TimedHarness h = Shipped("thpcompact");
        h.RunUntil(h.Config.DurationNs);
        WorkloadStats s = h.Workloads[0].Stats;
        long huge = s.Metric(ThpCompactWorkload.Huge);
        long baseFaults = s.Metric(ThpCompactWorkload.Base);
        Assert.Equal(4, s.Metric(ThpCompactWorkload.WorkersDone));
        // thpcompact.c: nr_hpages = anon_size / nr_threads / HPAGESIZE / 2 faults per worker.
        long anonBytes = h.ManagedPages * Units.PageSizeBytes * 40 / 100;
        Assert.Equal(4 * (anonBytes / 4 / (2 * Units.MiB) / 2), huge + baseFaults);
        Assert.True(huge > 0 && baseFaults > 0, $"{huge} huge, {baseFaults} base faults");
        Assert.True(h.VmStat(VmEventItem.ThpFaultFallback) > 0);
        Assert.True(h.VmStat(VmEventItem.ThpDeferredSplitPage) > 0, "holes punched in THPs go to the deferred-split queue");
        Assert.True(h.VmStat(NodeStatItem.NrFilePages) > 0);
        Assert.Equal(0, h.VmStat(NodeStatItem.NrAnonTransparentHugepages));
        h.Verify("thpcompact");
    }

    private static TimedHarness Shipped(string preset) =>
        TimedHarness.Start(File.ReadAllText(Path.Combine(TestFiles.RepoRoot, "scenarios", "presets", preset + ".yaml")));
}
