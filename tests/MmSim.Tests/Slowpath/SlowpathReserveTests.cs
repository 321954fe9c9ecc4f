using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Stat;
using MmSim.Sim;
using static MmSim.Tests.Slowpath.SlowpathHarness;

namespace MmSim.Tests.Slowpath;

/// <summary>
/// The reserve rules of the retry loop (__gfp_pfmemalloc_flags) and should_compact_retry's answer for a
/// skipped compaction (compaction_zonelist_suitable).
/// </summary>
public class SlowpathReserveTests
{
    [Fact]
    public void A_PF_MEMALLOC_task_allocates_below_the_min_watermark_on_the_retry_pass_without_reclaiming()
    {
        var reclaim = new ScriptedReclaim();
        LinuxKernel k = Boot(NoCompaction.Instance, reclaim);
        Fill(k);
        Assert.True(k.Node.Zones[(int)ZoneType.Normal].ZonePageState(ZoneStatItem.NrFreePages) > 0, "the min reserve is left");

        int pfn = int.MinValue;
        SimTask task = k.Sim.Spawn("kswapd-like", Body());
        k.Sim.Run(10 * Ms);
        Assert.Equal(TaskState.Dead, task.State);
        Assert.True(pfn >= 0, "ALLOC_NO_WATERMARKS");
        Assert.Equal((0, 1L), (reclaim.Calls, k.Slowpath.Retries));

        IEnumerable<Wait> Body()
        {
            TaskFlags saved = k.Current.MemallocSave(TaskFlags.Memalloc);
            yield return Wait.Call(k.AllocPagesWait(GfpFlags.Kernel, 0));
            pfn = k.Current.AllocResult;
            k.Current.MemallocRestore(TaskFlags.Memalloc, saved);
        }
    }

    [Theory]
    [InlineData(GfpFlags.NoWait | GfpFlags.MemAlloc, true)]
    [InlineData(GfpFlags.NoWait | GfpFlags.MemAlloc | GfpFlags.NoMemAlloc, false)]
    [InlineData(GfpFlags.NoWait, false)]
    public void GFP_MEMALLOC_reaches_the_reserves_unless_NOMEMALLOC_says_otherwise(GfpFlags gfp, bool succeeds)
    {
        LinuxKernel k = Boot(NoCompaction.Instance);
        Fill(k);
        Assert.Equal(succeeds, Allocate(k, gfp, 0) >= 0);
    }

    [Fact]
    public void A_skipped_compaction_is_retried_while_reclaim_progresses_only_if_some_zone_would_then_be_suitable()
    {
        // Memory full: even with reclaim's help no zone passes __compaction_suitable, so no compaction retry.
        var compact = new ScriptedCompact(CompactResult.Skipped);
        var reclaim = new ScriptedReclaim { ProgressCalls = 5 };
        LinuxKernel k = Boot(compact, reclaim);
        Fill(k);
        Assert.Equal(-1, Allocate(k, GfpFlags.HighUserMovable, 2));
        Assert.Equal((1, 1L), (reclaim.Calls, k.Slowpath.Retries));

        // Plenty of scattered free memory: compaction_zonelist_suitable says yes, so every pass with
        // reclaim progress goes round again (priority unchanged) until reclaim stops progressing.
        compact = new ScriptedCompact(CompactResult.Skipped);
        reclaim = new ScriptedReclaim { ProgressCalls = 5 };
        k = Boot(compact, reclaim);
        List<int> pfns = Fill(k);
        ExhaustReserves(k);
        foreach (int p in pfns.Where(p => (p & 3) == 0))
        {
            k.Alloc.FreePages(p, 0);
        }

        k.Alloc.DrainAllPages();
        Assert.Equal(-1, Allocate(k, GfpFlags.HighUserMovable, 2));
        Assert.Equal(6, reclaim.Calls);
        Assert.All(compact.Priorities, p => Assert.Equal(CompactPriority.SyncLight, p));
    }
}
