using MmSim.Tests.Support;
using MmSim.Mm.Memory;
using MmSim.Mm;
using MmSim.Mm.Stat;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Workloads;

public class AnonWorkloadTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void Thp_always_on_a_fresh_machine_gets_huge_pages_and_never_falls_back()
    {
        var trace = new AllocRecorder();
        var h = TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: anon\n    size: 256MiB\n    thp: always\n", trace: trace);
        h.RunUntil(1000 * Ms);
        Assert.Equal(128, h.VmStat(VmEventItem.ThpFaultAlloc));
        Assert.Equal(0, h.VmStat(VmEventItem.ThpFaultFallback));
        Assert.Equal(128, h.VmStat(NodeStatItem.NrAnonTransparentHugepages));
        Assert.Equal(65536, h.VmStat(NodeStatItem.NrAnonPages));

        // One deposited page table per huge page (GFP_PGTABLE_USER), and enabled=always without
        // madvise under defrag=madvise uses GFP_TRANSHUGE_LIGHT (with alloc_pages_mpol's local-node bits).
        Assert.Equal(128, h.VmStat(NodeStatItem.NrPageTablePages));
        Assert.All(trace.Events.Where(e => !e.Free && e.Order == 9), e => Assert.Equal(GfpFlags.TransHugeLight | GfpFlags.ThisNode | GfpFlags.NoRetry, e.Gfp));
        Assert.Equal(128, trace.Events.Count(e => !e.Free && e.Order == 0 && e.Gfp == (GfpFlags.KernelAccount | GfpFlags.Zero)));
        Assert.Equal(128, h.Workloads[0].Stats.Metric(AnonVma.ThpFaultAllocMetric));
        h.Verify("anon thp=always");
    }

    // The frag holes are movable pages: a madvised THP fault compacts directly and gets some huge pages; the
    // rest of the range falls back to base pages.
    [Fact]
    public void Thp_on_a_fragmented_machine_compacts_for_some_huge_pages_and_falls_back_for_the_rest()
    {
        string yaml = TimedHarness.NormalMachine() + "workloads:\n  - type: frag\n  - type: anon\n    size: 64MiB\n    thp: madvise\n    start: 1ms\n";
        var h = TimedHarness.Start(yaml);
        h.RunUntil(1000 * Ms);
        long fallback = h.VmStat(VmEventItem.ThpFaultFallback), huge = h.VmStat(VmEventItem.ThpFaultAlloc);
        Assert.Equal(32, fallback + huge);
        Assert.True(huge > 0 && fallback > 0, $"{huge} huge, {fallback} fallbacks");
        Assert.True(h.VmStat(VmEventItem.PgmigrateSuccess) > 0);
        WorkloadStats anon = h.Workloads[1].Stats;
        Assert.Equal((fallback, huge, 0), (anon.Metric(AnonVma.ThpFaultFallbackMetric), anon.Metric(AnonVma.ThpFaultAllocMetric), anon.Metric(AnonFill.OomNoVictimMetric)));
        h.Verify("anon on frag");
    }

    [Fact]
    public void Madvised_mapping_uses_GFP_TRANSHUGE_under_defrag_madvise_and_defrag_picks_the_mask()
    {
        Assert.Equal(GfpFlags.TransHuge, HugeMemory.VmaThpGfpMask(ThpDefrag.Madvise, vmaMadvised: true));
        Assert.Equal(GfpFlags.TransHugeLight, HugeMemory.VmaThpGfpMask(ThpDefrag.Madvise, vmaMadvised: false));
        Assert.Equal(GfpFlags.TransHuge, HugeMemory.VmaThpGfpMask(ThpDefrag.Always, vmaMadvised: true));
        Assert.Equal(GfpFlags.TransHuge | GfpFlags.NoRetry, HugeMemory.VmaThpGfpMask(ThpDefrag.Always, vmaMadvised: false));
        Assert.Equal(GfpFlags.TransHugeLight | GfpFlags.KswapdReclaim, HugeMemory.VmaThpGfpMask(ThpDefrag.Defer, vmaMadvised: true));
        Assert.Equal(GfpFlags.TransHugeLight | GfpFlags.KswapdReclaim, HugeMemory.VmaThpGfpMask(ThpDefrag.DeferMadvise, vmaMadvised: false));
        Assert.Equal(GfpFlags.TransHuge, HugeMemory.VmaThpGfpMask(ThpDefrag.DeferMadvise, vmaMadvised: true));
        Assert.Equal(GfpFlags.TransHugeLight, HugeMemory.VmaThpGfpMask(ThpDefrag.Never, vmaMadvised: true));

        var trace = new AllocRecorder();
        TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: anon\n    size: 8MiB\n    thp: madvise\n", trace: trace).RunUntil(100 * Ms);
        // alloc_pages_mpol's first, local-node attempt adds __GFP_THISNODE | __GFP_NORETRY; on a fresh machine it succeeds.
        const GfpFlags Local = GfpFlags.TransHuge | GfpFlags.ThisNode | GfpFlags.NoRetry;
        Assert.Equal([Local, Local, Local, Local], trace.Events.Where(e => e.Order == 9).Select(e => e.Gfp));
    }

    [Fact]
    public void Thp_never_faults_base_pages_at_the_fault_rate_with_a_page_table_per_2MiB()
    {
        var h = TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: anon\n    size: 64MiB\n    thp: never\n    fill_time: 1s\n    lifetime: const(2s)\n");
        h.RunUntil(500 * Ms);

        // Page k is touched at k * 1s / 16384: pages 0..8192 by 500ms.
        Assert.Equal(8193, h.VmStat(NodeStatItem.NrAnonPages));
        h.RunUntil(1500 * Ms);
        Assert.Equal(16384, h.VmStat(NodeStatItem.NrAnonPages));
        Assert.Equal(16384, h.VmStat(VmEventItem.Pgfault));
        Assert.Equal(32, h.VmStat(NodeStatItem.NrPageTablePages));
        Assert.Equal(0, h.VmStat(VmEventItem.ThpFaultAlloc) + h.VmStat(VmEventItem.ThpFaultFallback));
        int pfn = FirstPageOf(h, OwnerKind.Anon);
        Assert.True(h.Alloc.Node.Pages[pfn].Has(PageFlags.Lru));
        Assert.Equal(MigrateType.Movable, h.Alloc.Node.PageblockMigratetype(pfn));
        h.Verify("anon thp=never");
    }

    [Fact]
    public void At_the_end_of_its_lifetime_the_process_frees_every_page_and_page_table()
    {
        var h = TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: anon\n    size: 100MiB\n    lifetime: const(300ms)\n    mlock: true\n");
        h.Alloc.DrainAllPages();
        long free0 = h.FreePages;
        h.RunUntil(200 * Ms);
        Assert.Equal(25600, h.Alloc.Node.Zones.Sum(z => z.VmStat[(int)ZoneStatItem.NrMlock]));
        Assert.True(h.Alloc.Node.Pages[FirstPageOf(h, OwnerKind.Anon)].Has(PageFlags.Unevictable));
        h.RunUntil(300 * Ms);
        h.Alloc.DrainAllPages();
        Assert.Equal(free0, h.FreePages);
        Assert.Equal((0, 0, 0), (h.VmStat(NodeStatItem.NrAnonPages), h.VmStat(NodeStatItem.NrAnonTransparentHugepages), h.VmStat(NodeStatItem.NrPageTablePages)));
        Assert.Equal(0, h.Alloc.Node.Zones.Sum(z => z.VmStat[(int)ZoneStatItem.NrMlock]));
        Assert.Equal(h.Workloads[0].Stats.Allocs, h.Workloads[0].Stats.Frees);
        Assert.Equal(TaskState.Dead, h.Sim.Tasks[0].State);
        h.Verify("anon exit");
    }

    [Fact]
    public void A_zero_lifetime_still_lets_simulated_time_advance_between_runs()
    {
        var h = TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: anon\n    size: 4MiB\n    lifetime: const(0)\n    repeat: 1000000\n");
        Assert.Equal(RunStopReason.TimeLimit, h.RunUntil(1000));
        Assert.InRange(h.Workloads[0].Stats.Metric(AnonWorkload.RunsMetric), 1000, 1001);
        h.Verify("zero lifetime");
    }

    [Fact]
    public void Unmapping_half_of_a_THP_splits_it_and_keeps_it_until_the_rest_goes()
    {
        var h = TimedHarness.Start(TimedHarness.Machine());
        var stats = new WorkloadStats();
        var vma = h.Kernel.Mmap(stats, 1024, new AnonVmaFlags(ThpMode.Always, ThpDefrag.Madvise, false, false), "test");
        Assert.Equal(FaultResult.Huge, (FaultResult)h.Kernel.RunAtomic(vma.HandleMmFault(0)));
        Assert.Equal(FaultResult.Present, (FaultResult)h.Kernel.RunAtomic(vma.HandleMmFault(7)));
        vma.Unmap(0, 256);
        Assert.Equal(1, h.VmStat(VmEventItem.ThpSplitPmd));
        Assert.Equal(1, h.VmStat(VmEventItem.ThpDeferredSplitPage));
        Assert.Equal(0, h.VmStat(NodeStatItem.NrAnonTransparentHugepages));
        Assert.Equal(256, h.VmStat(NodeStatItem.NrAnonPages));
        Assert.True(h.Alloc.Node.Pages[vma.PfnAt(256) - 256].Has(PageFlags.Allocated));
        vma.Unmap(256, 256);
        Assert.Equal(0, h.VmStat(NodeStatItem.NrAnonPages));
        Assert.Equal(0, h.VmStat(NodeStatItem.NrPageTablePages));
        Assert.Equal(2, stats.Frees);
        h.Verify("deferred split");
    }

    private static int FirstPageOf(TimedHarness h, OwnerKind owner)
    {
        PageFrame[] pages = h.Alloc.Node.Pages;
        for (int pfn = 0; pfn < pages.Length; pfn++)
        {
            if (pages[pfn].Has(PageFlags.Allocated) && pages[pfn].OwnerKind == owner)
            {
                return pfn;
            }
        }

        throw new InvalidOperationException($"no {owner} page");
    }
}
