using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.KernelRules.Support;
using static MmSim.Tests.KernelRules.Support.RuleMachines;
using static MmSim.Tests.KernelRules.Support.Shape;

namespace MmSim.Tests.KernelRules;

/// <summary>CMA: __rmqueue's CMA balance, RMQUEUE_CMA, ALLOC_CMA and the watermark's free-CMA subtraction.</summary>
public class CmaRulesTests
{
    // __rmqueue: "Balance movable allocations between regular and CMA areas by allocating from CMA when
    // over half of the zone's free memory is in the CMA area": ALLOC_CMA && NR_FREE_CMA > NR_FREE / 2 →
    // __rmqueue_cma_fallback first. Normal(8) with n CMA pageblocks at the top of the zone:
    //  n = 4: 2048 of 4096 free pages are CMA, not over half → MOVABLE head 1024;
    //  n = 5: CMA first; the lowest non-empty CMA order is the lone order-9 block 2560 (it cannot merge
    //         with the MOVABLE order-9 2048 next to it);
    //  n = 6: CMA first; head of the CMA order-10 list [4096, 3072, 2048].
    [Theory]
    [InlineData(4, 1024, MigrateType.Movable)]
    [InlineData(5, 2560, MigrateType.Cma)]
    [InlineData(6, 4096, MigrateType.Cma)]
    public void Rmqueue_MovableTakesCmaFirst_WhenFreeCmaOverHalfOfFree(int cmaBlocks, int expectedPfn, MigrateType from)
    {
        PageAllocator a = Normal(8, cmaPageblocks: cmaBlocks);
        Zone z = a.NormalZone();
        long cmaBefore = FreeCma(z);
        Assert.Equal(cmaBlocks * 512L, cmaBefore);
        int pfn = a.RmqueueBuddy(z, 0, AllocFlags.Cma, MigrateType.Movable);
        Assert.Equal(expectedPfn, pfn);
        Own(a, pfn, 0);
        Assert.Equal(from, TypeOf(a, pfn));
        Assert.Equal(from == MigrateType.Cma ? cmaBefore - 1 : cmaBefore, FreeCma(z));
        Assert.Equal(4095, FreePages(z));
        AssertClean(a);
    }

    // Without ALLOC_CMA the balance step and RMQUEUE_CMA are skipped: the MOVABLE list is used.
    [Fact]
    public void Rmqueue_WithoutAllocCma_NeverTouchesCma()
    {
        PageAllocator a = Normal(8, cmaPageblocks: 6);
        Zone z = a.NormalZone();
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Movable);
        Assert.Equal(1024, pfn);
        Own(a, pfn, 0);
        Assert.Equal(3072, FreeCma(z));
        AssertClean(a);
    }

    // __rmqueue modes: NORMAL (__rmqueue_smallest) → CMA (if ALLOC_CMA) → CLAIM → STEAL. With the MOVABLE
    // lists empty and CMA not over half of free memory, a MOVABLE request takes CMA before it would claim
    // the free UNMOVABLE order-10 block; without ALLOC_CMA it claims that block (whole range → MOVABLE).
    [Theory]
    [InlineData(true, 4096)]
    [InlineData(false, 2048)]
    public void Rmqueue_CmaStageComesBeforeClaim(bool allocCma, int expectedPfn)
    {
        PageAllocator a = Normal(8, cmaPageblocks: 4);
        Zone z = a.NormalZone();

        // Move the two MOVABLE order-10 blocks (1024, 2048) to UNMOVABLE: take them and free them back.
        foreach (int pfn in new[] { 1024, 2048 })
        {
            a.DelFromFreeList(z, pfn, 10, MigrateType.Movable);
            Own(a, pfn, 10);
            SetType(a, pfn, MigrateType.Unmovable);
            SetType(a, pfn + 512, MigrateType.Unmovable);
            Free(a, pfn, 10);
        }

        Assert.Equal(new[] { "10/Unmovable: 2048,1024", "10/CMA: 4096,3072" }, Lists(a, z));
        int got = a.RmqueueBuddy(z, 0, allocCma ? AllocFlags.Cma : NoAllocFlags, MigrateType.Movable);
        Assert.Equal(expectedPfn, got);
        Own(a, got, 0);
        Assert.Equal(allocCma ? MigrateType.Unmovable : MigrateType.Movable, TypeOf(a, 2048));
        Assert.Equal(allocCma ? MigrateType.Unmovable : MigrateType.Movable, TypeOf(a, 2560));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1024));
        Assert.Equal(allocCma ? 2047 : 2048, FreeCma(z));
        AssertClean(a);
    }

    // CMA is never a fallback (fallbacks[] has no MIGRATE_CMA) and only ALLOC_CMA (gfp_to_alloc_flags_cma:
    // gfp_migratetype == MOVABLE) reaches it: with only CMA memory free, UNMOVABLE and RECLAIMABLE requests
    // fail at every level, GFP_KERNEL fails, GFP_HIGHUSER_MOVABLE succeeds from CMA.
    [Fact]
    public void Cma_UnmovableAndReclaimableNeverGetCmaPages()
    {
        PageAllocator a = Normal(8, cmaPageblocks: 6);
        Zone z = a.NormalZone();
        a.DelFromFreeList(z, 1024, 10, MigrateType.Movable);
        Own(a, 1024, 10);
        SetWatermarks(z, 0, 0, 0);
        Assert.Equal(3072, FreePages(z));
        Assert.Equal(3072, FreeCma(z));

        Assert.Equal(-1, a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Unmovable));
        Assert.Equal(-1, a.RmqueueBuddy(z, 0, AllocFlags.NonBlock | AllocFlags.MinReserve, MigrateType.Unmovable));
        Assert.Equal(-1, a.RmqueueBuddy(z, 3, NoAllocFlags, MigrateType.Reclaimable));
        Assert.Equal(-1, a.AllocPages(GfpFlags.Kernel, 0));
        Assert.Equal(-1, a.AllocPages(GfpFlags.Atomic, 0));
        Assert.Equal(3072, FreeCma(z));

        int pfn = a.AllocPages(GfpFlags.HighUserMovable, 0);
        Assert.Equal(4096, pfn);
        Assert.Equal(MigrateType.Cma, TypeOf(a, pfn));
        Assert.Equal(3071, FreeCma(z));
        AssertClean(a);
    }

    // __zone_watermark_unusable_free: "If the allocation can't use CMA areas don't use free CMA pages":
    // free CMA is subtracted without ALLOC_CMA. Normal(8) with 6 CMA blocks: 4096 free, 3072 of them CMA.
    [Theory]
    [InlineData(1023, false, true)]
    [InlineData(1024, false, false)]
    [InlineData(4095, true, true)]
    [InlineData(4096, true, false)]
    public void Watermark_FreeCmaSubtractedWithoutAllocCma(long mark, bool allocCma, bool ok)
    {
        PageAllocator a = Normal(8, cmaPageblocks: 6);
        Zone z = a.NormalZone();
        Assert.Equal(ok, PageAllocator.ZoneWatermarkOk(z, 0, mark, ZoneType.Normal, allocCma ? AllocFlags.Cma : NoAllocFlags));
    }

    // __zone_watermark_ok, order > 0: enough free pages is not enough — some free_area[o ≥ order] must have
    // a non-empty UNMOVABLE/MOVABLE/RECLAIMABLE list, or CMA with ALLOC_CMA. Here the only non-CMA free
    // memory is 512 order-0 MOVABLE pages (every other page of block 1024/1536), the rest CMA order-10 blocks.
    [Theory]
    [InlineData(0, false, true)]
    [InlineData(1, false, false)]
    [InlineData(4, false, false)]
    [InlineData(4, true, true)]
    [InlineData(10, true, true)]
    public void Watermark_HighOrderNeedsAUsableFreeList(int order, bool allocCma, bool ok)
    {
        PageAllocator a = Normal(8, cmaPageblocks: 6);
        Zone z = a.NormalZone();
        a.DelFromFreeList(z, 1024, 10, MigrateType.Movable);
        OwnRange(a, 1024, 1024, 0);
        for (int pfn = 1024; pfn < 2048; pfn += 2)
        {
            Free(a, pfn, 0);
        }

        Assert.Equal(512, z.NrFree[0]);
        Assert.Equal(3584, FreePages(z));
        Assert.Equal(ok, PageAllocator.ZoneWatermarkOk(z, order, 0, ZoneType.Normal, allocCma ? AllocFlags.Cma : NoAllocFlags));
        AssertClean(a);
    }
}
