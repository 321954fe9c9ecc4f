using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Slowpath;
using MmSim.Sim;
using static MmSim.Tests.Slowpath.SlowpathHarness;

namespace MmSim.Tests.Slowpath;

/// <summary>
/// The slowpath's last resorts: __GFP_NOFAIL looping until memory appears, the OOM seam, clearing
/// ALLOC_NOFRAGMENT under defrag_mode, and the drain_all_pages retry after reclaim.
/// </summary>
public class SlowpathGiveUpTests
{
    [Fact]
    public void A_NOFAIL_request_sleeps_between_passes_and_succeeds_once_another_task_frees_memory()
    {
        LinuxKernel k = Boot(NoCompaction.Instance);
        List<int> pfns = Fill(k);
        ExhaustReserves(k);
        long failuresBefore = k.Alloc.AllocFailures;

        int result = int.MinValue;
        SimTask nofail = k.Sim.Spawn("nofail", AllocInto(k, GfpFlags.Kernel | GfpFlags.NoFail, 0, r => result = r));
        SimTask freer = k.Sim.Spawn("freer", FreeLater(k, pfns.GetRange(0, 64), 50 * Ms));
        k.Sim.Run(20 * Ms);

        // Still looping: asleep between passes, uninterruptibly, each pass a would-be OOM kill.
        Assert.Equal((TaskState.Uninterruptible, AllocSlowpath.NofailWaitSite), (nofail.State, nofail.WaitSite));
        Assert.True(k.Slowpath.NofailWaits >= 10, $"{k.Slowpath.NofailWaits} waits");
        Assert.Equal(k.Slowpath.NofailWaits, k.Slowpath.WouldOom);

        k.Sim.Run(60 * Ms);
        Assert.Equal((TaskState.Dead, TaskState.Dead), (nofail.State, freer.State));
        Assert.True(result >= 0, "__GFP_NOFAIL never fails");
        Assert.Equal(failuresBefore, k.Alloc.AllocFailures);
        KernelChecker.Verify(k, "after NOFAIL");
    }

    [Fact]
    public void The_same_request_without_NOFAIL_fails_after_the_OOM_step_without_sleeping()
    {
        LinuxKernel k = Boot(NoCompaction.Instance);
        Fill(k);
        ExhaustReserves(k);

        long retries = k.Slowpath.Retries;
        int result = int.MinValue;
        SimTask task = k.Sim.Spawn("kernel", AllocInto(k, GfpFlags.Kernel, 0, r => result = r));
        k.Sim.Run(10 * Ms);
        Assert.Equal((TaskState.Dead, -1), (task.State, result));
        Assert.Equal((0L, 1L), (k.Slowpath.NofailWaits, k.Slowpath.WouldOom));

        // One pass: should_reclaim_retry says no at once, as not even free + reclaimable pages would meet the watermark.
        Assert.Equal(1, k.Slowpath.Retries - retries);
        Assert.Equal(0L, task.SwitchCount);
    }

    [Theory]
    [InlineData(GfpFlags.Kernel, 1)]
    [InlineData(GfpFlags.Kernel | GfpFlags.RetryMayFail, 0)]
    [InlineData(GfpFlags.Kernel | GfpFlags.ThisNode, 0)]
    public void Only_a_request_that_may_use_the_OOM_killer_reaches_it(GfpFlags gfp, int wouldOom)
    {
        LinuxKernel k = Boot(NoCompaction.Instance);
        Fill(k);
        ExhaustReserves(k);
        var seen = new List<(GfpFlags, int)>();
        k.Slowpath.OnWouldOom = (g, o) => seen.Add((g, o));

        // All three fail (the seam's OOM killer frees nothing); only the plain request got as far as out_of_memory().
        Assert.Equal(-1, Allocate(k, gfp, 0));
        Assert.Equal(wouldOom, k.Slowpath.WouldOom);
        Assert.Equal(wouldOom == 1 ? [(gfp, 0)] : [], seen);
    }

    [Fact]
    public void Under_defrag_mode_ALLOC_NOFRAGMENT_is_cleared_only_after_reclaim_and_compaction_gave_up()
    {
        LinuxKernel k = Boot(NoCompaction.Instance, defragMode: true);
        var kswapdOrders = new List<int>();
        List<int> pfns = Fill(k);
        ExhaustReserves(k);
        FreeEveryOtherPage(k, pfns);
        long retries = k.Slowpath.Retries, reclaims = k.Slowpath.DirectReclaims;
        k.Alloc.WakeupKswapd = (_, _, order, _) => kswapdOrders.Add(order);

        // Free memory lies only in partly used MOVABLE blocks: an unmovable page needs a fragmenting fallback.
        int pfn = Allocate(k, GfpFlags.Kernel, 0);
        Assert.True(pfn >= 0, "the pass without ALLOC_NOFRAGMENT falls back");

        // 16 passes that should_reclaim_retry allows (the watermark holds with free memory alone), a 17th
        // that exceeds MAX_RECLAIM_RETRIES, then the pass without the flag.
        Assert.Equal((AllocSlowpath.MaxReclaimRetries + 2L, AllocSlowpath.MaxReclaimRetries + 1L), (k.Slowpath.Retries - retries, k.Slowpath.DirectReclaims - reclaims));

        // wake_all_kswapds asks for a pageblock under defrag_mode, at the start and on every pass (then the
        // fallback boosts the watermark, and rmqueue wakes kswapd at order 0).
        Assert.Equal(Enumerable.Repeat(MmConstants.PageblockOrder, AllocSlowpath.MaxReclaimRetries + 3), kswapdOrders.Take(AllocSlowpath.MaxReclaimRetries + 3));
        Assert.Equal(0, kswapdOrders[^1]);
    }

    [Fact]
    public void Without_defrag_mode_the_same_request_falls_back_in_the_fast_path()
    {
        LinuxKernel k = Boot(NoCompaction.Instance);
        List<int> pfns = Fill(k);
        ExhaustReserves(k);
        FreeEveryOtherPage(k, pfns);
        long retries = k.Slowpath.Retries;
        Assert.True(Allocate(k, GfpFlags.Kernel, 0) >= 0);
        Assert.Equal(retries, k.Slowpath.Retries);
    }

    [Fact]
    public void After_reclaim_the_drain_all_pages_retry_merges_pages_parked_on_the_pcp_lists()
    {
        var reclaim = new ScriptedReclaim();
        LinuxKernel k = Boot(NoCompaction.Instance, reclaim);
        List<int> pfns = Fill(k);
        var filled = new HashSet<int>(pfns);

        // Enough free memory for the watermark, but no free block of order 2 anywhere.
        ExhaustReserves(k);
        FreeEveryOtherPage(k, pfns);
        int block = pfns.First(p => (p & 3) == 0 && Enumerable.Range(p, 4).All(q => filled.Contains(q) && k.Node.Pages[q].Has(PageFlags.Allocated)));
        for (int i = 0; i < 4; i++)
        {
            reclaim.ToFree.Enqueue(block + i);
        }

        long retries = k.Slowpath.Retries;
        int callsBefore = reclaim.Calls;

        // Reclaim frees the block's pages onto the per-cpu lists, where they cannot merge; the first
        // attempt fails, drain_all_pages returns them to the buddy lists, and the second gets the block.
        Assert.Equal(block, Allocate(k, GfpFlags.HighUserMovable, 2));
        Assert.Equal((1, 1L), (reclaim.Calls - callsBefore, k.Slowpath.Retries - retries));
    }

    [Fact]
    public void wake_all_kswapds_asks_for_at_least_a_pageblock_under_defrag_mode()
    {
        foreach (bool defrag in new[] { false, true })
        {
            PageAllocator alloc = Support.TestMachines.NormalOnly(8, new PageAllocOptions { DefragMode = defrag });
            var woken = new List<int>();
            alloc.WakeupKswapd = (_, _, order, _) => woken.Add(order);
            PageAllocator.AllocContext ac = alloc.PrepareAllocPages(GfpFlags.Kernel);
            foreach (int order in new[] { 0, 3, 9, 10 })
            {
                alloc.WakeAllKswapds(order, GfpFlags.Kernel, ac);
            }

            Assert.Equal(defrag ? [9, 9, 9, 10] : [0, 3, 9, 10], woken);
        }
    }

    // Frees every fourth filled page of the lower half of memory (its buddy stays allocated) and drains,
    // so free memory is plentiful but order 0 only.
    private static void FreeEveryOtherPage(LinuxKernel k, List<int> pfns)
    {
        int limit = pfns.Max() / 2;
        foreach (int p in pfns)
        {
            if ((p & 3) == 0 && p < limit)
            {
                k.Alloc.FreePages(p, 0);
            }
        }

        k.Alloc.DrainAllPages();
    }

    private static IEnumerable<Wait> AllocInto(LinuxKernel k, GfpFlags gfp, int order, Action<int> result)
    {
        yield return Wait.Call(k.AllocPagesWait(gfp, order));
        result(k.Current.AllocResult);
    }

    private static IEnumerable<Wait> FreeLater(LinuxKernel k, List<int> pfns, long afterNs)
    {
        yield return Wait.Sleep(afterNs);
        foreach (int p in pfns)
        {
            k.Alloc.FreePages(p, 0);
        }

        k.Alloc.DrainAllPages();
    }
}
