using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Memory;
using MmSim.Mm.Vmscan;
using MmSim.Sim;
using static MmSim.Tests.Slowpath.SlowpathHarness;

namespace MmSim.Tests.Slowpath;

/// <summary>
/// THP faults per /sys/kernel/mm/transparent_hugepage/defrag: the gfp of vma_thp_gfp_mask, and what the
/// fault then does in the allocator (alloc_pages_mpol's local-node NORETRY attempt first, then the full mask).
/// </summary>
public class ThpDefragTests
{
    private const CompactPriority A = CompactPriority.Async;
    private const CompactPriority SL = CompactPriority.SyncLight;

    public static TheoryData<ThpDefrag, bool, GfpFlags> Masks() => new()
    {
        { ThpDefrag.Always, true, GfpFlags.TransHuge },
        { ThpDefrag.Always, false, GfpFlags.TransHuge | GfpFlags.NoRetry },
        { ThpDefrag.Defer, true, GfpFlags.TransHugeLight | GfpFlags.KswapdReclaim },
        { ThpDefrag.Defer, false, GfpFlags.TransHugeLight | GfpFlags.KswapdReclaim },
        { ThpDefrag.DeferMadvise, true, GfpFlags.TransHugeLight | GfpFlags.DirectReclaim },
        { ThpDefrag.DeferMadvise, false, GfpFlags.TransHugeLight | GfpFlags.KswapdReclaim },
        { ThpDefrag.Madvise, true, GfpFlags.TransHugeLight | GfpFlags.DirectReclaim },
        { ThpDefrag.Madvise, false, GfpFlags.TransHugeLight },
        { ThpDefrag.Never, true, GfpFlags.TransHugeLight },
        { ThpDefrag.Never, false, GfpFlags.TransHugeLight },
    };

    [Theory]
    [MemberData(nameof(Masks))]
    public void vma_thp_gfp_mask_gives_the_kernels_mask(ThpDefrag defrag, bool madvised, GfpFlags expected) =>
        Assert.Equal(expected, HugeMemory.VmaThpGfpMask(defrag, madvised));

    [Fact]
    public void GFP_TRANSHUGE_LIGHT_never_reclaims_and_GFP_TRANSHUGE_adds_only_direct_reclaim()
    {
        // include/linux/gfp_types.h: (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM.
        Assert.Equal(0x001C20CAu, (uint)GfpFlags.TransHugeLight);
        Assert.Equal((uint)GfpFlags.TransHugeLight | 0x400u, (uint)GfpFlags.TransHuge);
    }

    public static TheoryData<ThpDefrag, bool, CompactPriority[], int, bool> Faults() => new()
    {
        // Madvised under always: the local NORETRY|THISNODE attempt compacts once and gives up; the full
        // GFP_TRANSHUGE attempt compacts async, reclaims, compacts at DEF_COMPACT_PRIORITY, and fails (costly).
        { ThpDefrag.Always, true, [A, A, SL], 1, false },

        // Not madvised under always: __GFP_NORETRY throughout, so the loop keeps INIT_COMPACT_PRIORITY.
        { ThpDefrag.Always, false, [A, A, A], 1, false },
        { ThpDefrag.Defer, true, [], 0, true },
        { ThpDefrag.Defer, false, [], 0, true },
        { ThpDefrag.DeferMadvise, true, [A, A, SL], 1, false },
        { ThpDefrag.DeferMadvise, false, [], 0, true },
        { ThpDefrag.Madvise, true, [A, A, SL], 1, false },
        { ThpDefrag.Madvise, false, [], 0, false },
        { ThpDefrag.Never, true, [], 0, false },
        { ThpDefrag.Never, false, [], 0, false },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_THP_fault_compacts_reclaims_and_wakes_kswapd_as_its_defrag_setting_says(
        ThpDefrag defrag, bool madvised, CompactPriority[] priorities, int reclaims, bool wakesKswapd)
    {
        var compact = new ScriptedCompact(CompactResult.Complete);
        var reclaim = new ScriptedReclaim { ReportedProgress = 0 };
        LinuxKernel k = Boot(compact, reclaim);
        var kswapdOrders = new List<int>();
        k.Alloc.WakeupKswapd = (_, _, order, _) => kswapdOrders.Add(order);
        var vma = k.Mmap(new AllocTally(), HugeMemory.HpagePmdNr * 2, new AnonVmaFlags(madvised ? ThpMode.Madvise : ThpMode.Always, defrag, false, false), "thp");
        Fill(k);

        SimTask task = k.Sim.Spawn("faulter", Fault(vma));
        k.Sim.Run(1000 * Ms);
        Assert.Equal(TaskState.Dead, task.State);
        Assert.False(vma.IsHuge(0), "memory is full: the fault falls back");
        Assert.Equal(priorities, [.. compact.Calls.Where(c => c.Order == HugeMemory.HpagePmdOrder).Select(c => c.Priority)]);
        Assert.Equal(reclaims, reclaim.Orders.Count(o => o == HugeMemory.HpagePmdOrder));
        Assert.Equal(wakesKswapd, kswapdOrders.Contains(HugeMemory.HpagePmdOrder));
    }

    [Fact]
    public void Under_always_a_madvised_fault_whose_compaction_is_skipped_still_makes_one_pass_with_the_full_mask()
    {
        var compact = new ScriptedCompact(CompactResult.Skipped);
        var reclaim = new ScriptedReclaim { ReportedProgress = 0 };
        LinuxKernel k = Boot(compact, reclaim);
        var vma = k.Mmap(new AllocTally(), HugeMemory.HpagePmdNr, new AnonVmaFlags(ThpMode.Madvise, ThpDefrag.Always, false, false), "thp");
        Fill(k);

        SimTask task = k.Sim.Spawn("faulter", Fault(vma));
        k.Sim.Run(1000 * Ms);
        Assert.Equal(TaskState.Dead, task.State);

        // First the local NORETRY attempt; then GFP_TRANSHUGE without NORETRY, which loops once regardless.
        Assert.Equal([A, A, SL], [.. compact.Calls.Where(c => c.Order == HugeMemory.HpagePmdOrder).Select(c => c.Priority)]);
        Assert.Equal(1, reclaim.Orders.Count(o => o == HugeMemory.HpagePmdOrder));
    }

    [Fact]
    public void A_THP_fault_that_succeeds_on_the_local_attempt_does_not_try_again()
    {
        var compact = new ScriptedCompact(CompactResult.Complete);
        LinuxKernel k = Boot(compact);
        var vma = k.Mmap(new AllocTally(), HugeMemory.HpagePmdNr, new AnonVmaFlags(ThpMode.Madvise, ThpDefrag.Always, false, false), "thp");

        SimTask task = k.Sim.Spawn("faulter", Fault(vma));
        k.Sim.Run(10 * Ms);
        Assert.Equal(TaskState.Dead, task.State);
        Assert.True(vma.IsHuge(0));
        Assert.Empty(compact.Calls);
        Assert.Equal(0L, k.Alloc.AllocFailures);
    }

    private static IEnumerable<Wait> Fault(AnonVma vma)
    {
        yield return Wait.Call(vma.HandleMmFault(0));
    }
}
