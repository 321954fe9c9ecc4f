using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.KernelRules.Support;
using static MmSim.Tests.KernelRules.Support.RuleMachines;
using static MmSim.Tests.KernelRules.Support.Shape;

namespace MmSim.Tests.KernelRules;

/// <summary>
/// __zone_watermark_ok, calculate_min_free_kbytes, set_recommended_min_free_kbytes (khugepaged),
/// __setup_per_zone_wmarks, setup_per_zone_lowmem_reserve, zone_batchsize/zone_highsize.
/// </summary>
public class WatermarkRulesTests
{
    /// <summary>
    /// The zone sizes of the real 6.18 sample (/work/shared/reference/proc-samples-6.18/zoneinfo): managed
    /// DMA 3840, DMA32 772917, Normal 1015808 (reserved pages chosen to give exactly those managed counts).
    /// </summary>
    private static PageAllocator SampleMachine() =>
        MmInit.Boot(
            new MachineSpec(
                [
                    new ZoneSpec(ZoneType.Dma, 4096, 0, 256),
                    new ZoneSpec(ZoneType.Dma32, 1044480, null, 1044480 - 772917),
                    new ZoneSpec(ZoneType.Normal, 1015808),
                ],
                []),
            new PageAllocOptions());

    // The real kernel (zoneinfo of the sample): min_free_kbytes 67584 = khugepaged's
    // 512 * 3 zones * (2 + 3*3) pages; per zone min = pages_min * managed / lowmem_managed,
    // low = min + max(min/4, managed*10/10000), high = low + same, promo = high + same;
    // ZONE_MOVABLE (empty) min = clamp(0/1024, 32, 128) = 32 and no gap;
    // protection = lowmem_reserve: DMA (0, 3019, 6987, 6987, 6987), DMA32 (0, 0, 3968, 3968, 3968).
    [Fact]
    public void SampleMachine_WatermarksAndLowmemReserveMatchTheRealKernel()
    {
        PageAllocator a = SampleMachine();
        Zone dma = a.Node.Zones[(int)ZoneType.Dma];
        Zone dma32 = a.Node.Zones[(int)ZoneType.Dma32];
        Zone normal = a.Node.Zones[(int)ZoneType.Normal];
        Zone movable = a.Node.Zones[(int)ZoneType.Movable];
        Assert.Equal(3840, dma.ManagedPages);
        Assert.Equal(772917, dma32.ManagedPages);
        Assert.Equal(1015808, normal.ManagedPages);
        Assert.Equal(67584, a.MinFreeKbytes);

        Assert.Equal(new long[] { 36, 45, 54, 63 }, dma.Watermark);
        Assert.Equal(new long[] { 7285, 9106, 10927, 12748 }, dma32.Watermark);
        Assert.Equal(new long[] { 9574, 11967, 14360, 16753 }, normal.Watermark);
        Assert.Equal(new long[] { 32, 32, 32, 32 }, movable.Watermark);
        Assert.Equal(0, normal.WatermarkBoost);

        Assert.Equal(new long[] { 0, 3019, 6987, 6987, 6987 }, dma.LowmemReserve);
        Assert.Equal(new long[] { 0, 0, 3968, 3968, 3968 }, dma32.LowmemReserve);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0 }, normal.LowmemReserve);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0 }, movable.LowmemReserve);
    }

    // zone_batchsize: rounddown_pow_of_two(1.5 * min(managed >> 12, 64)) - 1 (1 when ≤ 1);
    // zone_highsize: high_min = max(low_wmark / cpus, batch * 4), high_max = max(managed / 8 / cpus, batch * 4).
    // The sample has 2 CPUs (DMA32 high_min 4553, high_max 48307; Normal 5983 / 63488; DMA 22 / 240);
    // mmsim models one CPU, so its values are the sample's × 2 (rounding aside): 9106 / 96614,
    // 11967 / 126976, 45 / 480; batch 63, 63, 1 as in the sample.
    [Fact]
    public void SampleMachine_PcpBatchAndHighMatchTheRealKernelForOneCpu()
    {
        PageAllocator a = SampleMachine();
        PerCpuPages dma = a.Node.Zones[(int)ZoneType.Dma].Pcp;
        PerCpuPages dma32 = a.Node.Zones[(int)ZoneType.Dma32].Pcp;
        PerCpuPages normal = a.Node.Zones[(int)ZoneType.Normal].Pcp;
        Assert.Equal((1, 45, 480), (dma.Batch, dma.HighMin, dma.HighMax));
        Assert.Equal((63, 9106, 96614), (dma32.Batch, dma32.HighMin, dma32.HighMax));
        Assert.Equal((63, 11967, 126976), (normal.Batch, normal.HighMin, normal.HighMax));
    }

    // __zone_watermark_ok: fail if free − (2^order − 1) ≤ min + lowmem_reserve[highest_zoneidx]; the
    // request's highest zone, not the zone itself, picks the reserve: DMA32 keeps 3968 pages from
    // requests that could have used ZONE_NORMAL (e.g. GFP_KERNEL) but none from GFP_DMA32 ones.
    [Theory]
    [InlineData(ZoneType.Normal, 7285 + 3968, false)]
    [InlineData(ZoneType.Normal, 7285 + 3968 + 1, true)]
    [InlineData(ZoneType.Movable, 7285 + 3968, false)]
    [InlineData(ZoneType.Dma32, 7285, false)]
    [InlineData(ZoneType.Dma32, 7286, true)]
    public void SampleMachine_LowmemReserveOfHighestZoneIdxApplies(ZoneType highest, long free, bool ok)
    {
        PageAllocator a = SampleMachine();
        Zone dma32 = a.Node.Zones[(int)ZoneType.Dma32];
        long min = dma32.Watermark[(int)WatermarkIndex.Min];
        Assert.Equal(ok, PageAllocator.ZoneWatermarkOkCore(dma32, 0, min, highest, NoAllocFlags, free));
    }

    // __zone_watermark_ok reserves: ALLOC_MIN_RESERVE (__GFP_HIGH): min -= min/2, and with ALLOC_NON_BLOCK
    // too: min -= min/4; ALLOC_OOM: min -= min/2; ALLOC_NON_BLOCK alone changes nothing. mark 1001:
    // 1001 → 501 → 376; OOM on top: 376 → 188. Then free must be strictly above min.
    [Theory]
    [InlineData((AllocFlags)0, 1001L, false)]
    [InlineData((AllocFlags)0, 1002L, true)]
    [InlineData(AllocFlags.NonBlock, 1001L, false)]
    [InlineData(AllocFlags.NonBlock, 1002L, true)]
    [InlineData(AllocFlags.MinReserve, 501L, false)]
    [InlineData(AllocFlags.MinReserve, 502L, true)]
    [InlineData(AllocFlags.MinReserve | AllocFlags.NonBlock, 376L, false)]
    [InlineData(AllocFlags.MinReserve | AllocFlags.NonBlock, 377L, true)]
    [InlineData(AllocFlags.Oom, 501L, false)]
    [InlineData(AllocFlags.Oom, 502L, true)]
    [InlineData(AllocFlags.MinReserve | AllocFlags.NonBlock | AllocFlags.Oom, 188L, false)]
    [InlineData(AllocFlags.MinReserve | AllocFlags.NonBlock | AllocFlags.Oom, 189L, true)]
    public void ZoneWatermarkOk_ReserveReductions(AllocFlags flags, long free, bool ok)
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Assert.Equal(ok, PageAllocator.ZoneWatermarkOkCore(z, 0, 1001, ZoneType.Normal, flags, free));
    }

    // __zone_watermark_unusable_free: 2^order − 1 pages of a high-order request do not count.
    [Theory]
    [InlineData(1, 1002L, false)]
    [InlineData(1, 1003L, true)]
    [InlineData(3, 1008L, false)]
    [InlineData(3, 1009L, true)]
    public void ZoneWatermarkOk_HighOrderDiscountsTheRequestItself(int order, long free, bool ok)
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Assert.Equal(ok, PageAllocator.ZoneWatermarkOkCore(z, order, 1001, ZoneType.Normal, NoAllocFlags, free));
    }

    // get_page_from_freelist: the high watermark is checked first; failing it sets ZONE_BELOW_HIGH (which
    // shrinks pcp) before the request's own (low) watermark decides. wmark_pages() include the boost.
    [Theory]
    [InlineData(4000L, 0L, false)]
    [InlineData(4096L, 0L, true)]
    [InlineData(3500L, 596L, true)]
    [InlineData(3500L, 595L, false)]
    public void GetPageFromFreelist_HighWatermarkMissSetsBelowHigh(long high, long boost, bool belowHigh)
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        SetWatermarks(z, 0, 100, high);
        z.WatermarkBoost = boost;
        Assert.Equal(1024, a.AllocPages(GfpFlags.HighUserMovable, 0));
        Assert.Equal(belowHigh ? ZoneFlags.BelowHigh : ZoneFlags.None, z.Flags & ZoneFlags.BelowHigh);
        AssertClean(a);
    }

    // zone_watermark_fast: "Ignore watermark boosting for __GFP_HIGH order-0 allocations when checking the
    // min watermark": a failed check with ALLOC_MIN_RESERVE at WMARK_MIN is retried against the unboosted
    // _watermark[MIN]. min 4000 + boost 8000: boosted 12000 → 6000 → 4500 ≥ 4096 free fails; unboosted
    // 4000 → 2000 → 1500 passes for GFP_ATOMIC order 0 only (slowpath; the fast path fails on LOW).
    [Theory]
    [InlineData(GfpFlags.Atomic, 0, 8000L, 1024)]
    [InlineData(GfpFlags.Atomic, 1, 8000L, -1)]
    [InlineData(GfpFlags.NoWait, 0, 8000L, -1)]
    [InlineData(GfpFlags.NoWait, 0, 0L, 1024)]
    public void ZoneWatermarkFast_GfpHighOrder0IgnoresBoostAtMin(GfpFlags gfp, int order, long boost, int expected)
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        SetWatermarks(z, 4000, 1_000_000, 1_000_000);
        z.WatermarkBoost = boost;
        Assert.Equal(expected, a.AllocPages(gfp, order));
        AssertClean(a);
    }
}
