using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Slowpath;
using MmSim.Mm.Stat;
using static MmSim.Tests.Slowpath.SlowpathHarness;

namespace MmSim.Tests.Slowpath;

/// <summary>
/// __alloc_pages_slowpath's retry loop against scripted compaction results: which priorities are tried,
/// how often, and when each kind of request gives up (mm/page_alloc.c 6.18).
/// </summary>
public class SlowpathRetryTests
{
    private const CompactPriority Async = CompactPriority.Async;
    private const CompactPriority SyncLight = CompactPriority.SyncLight;
    private const CompactPriority SyncFull = CompactPriority.SyncFull;

    [Fact]
    public void Without_reclaim_progress_a_small_order_compacts_once_per_priority_step_and_never_escalates()
    {
        var compact = new ScriptedCompact(CompactResult.Complete);
        LinuxKernel k = Boot(compact);
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.Kernel, 2));

        // Initial compaction (non-movable order > 0) at INIT, one loop pass at DEF; should_compact_retry
        // is never asked because reclaim made no progress, so the request goes to the OOM step and fails.
        Assert.Equal([Async, SyncLight], compact.Priorities);
        Assert.Equal((1L, 1L, 1L), (k.Slowpath.DirectReclaims, k.Slowpath.Retries, k.Slowpath.WouldOom));
    }

    [Fact]
    public void With_reclaim_progress_failed_compaction_escalates_to_SYNC_FULL_then_gives_up()
    {
        var compact = new ScriptedCompact(CompactResult.Complete);
        var reclaim = new ScriptedReclaim();
        LinuxKernel k = Boot(compact, reclaim);
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.Kernel, 2));
        Assert.Equal([Async, SyncLight, SyncFull], compact.Priorities);
        Assert.Equal((2, 2L, 1L), (reclaim.Calls, k.Slowpath.Retries, k.Slowpath.WouldOom));
        Assert.Equal(3, k.Node.VmEvents[(int)VmEventItem.CompactFail]);
    }

    [Fact]
    public void Compaction_SUCCESS_is_retried_MAX_COMPACT_RETRIES_times_at_each_priority()
    {
        var compact = new ScriptedCompact(CompactResult.Success);
        LinuxKernel k = Boot(compact, new ScriptedReclaim());
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.Kernel, 2));

        // 16 retries at SYNC_LIGHT after the first pass, the 17th escalates; 16 more at SYNC_FULL.
        int n = AllocSlowpath.MaxCompactRetries + 1;
        CompactPriority[] expected = [Async, .. Enumerable.Repeat(SyncLight, n), .. Enumerable.Repeat(SyncFull, n)];
        Assert.Equal(expected, compact.Priorities);
        Assert.Equal(2L * n, k.Slowpath.Retries);
    }

    [Fact]
    public void A_costly_RETRY_MAYFAIL_request_retries_a_quarter_as_often_and_stops_at_SYNC_LIGHT()
    {
        var compact = new ScriptedCompact(CompactResult.Success);
        LinuxKernel k = Boot(compact, new ScriptedReclaim());
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.Kernel | GfpFlags.RetryMayFail, 4));
        int n = (AllocSlowpath.MaxCompactRetries / 4) + 1;
        Assert.Equal([Async, .. Enumerable.Repeat(SyncLight, n)], compact.Priorities);

        // MIN_COMPACT_COSTLY_PRIORITY is SYNC_LIGHT, and the OOM killer never helps a costly order.
        Assert.DoesNotContain(SyncFull, compact.Priorities);
        Assert.Equal(0L, k.Slowpath.WouldOom);
    }

    [Fact]
    public void A_costly_request_without_RETRY_MAYFAIL_makes_one_pass_whatever_compaction_says()
    {
        var compact = new ScriptedCompact(CompactResult.Success);
        var reclaim = new ScriptedReclaim();
        LinuxKernel k = Boot(compact, reclaim);
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.Kernel, 4));
        Assert.Equal([Async, SyncLight], compact.Priorities);
        Assert.Equal((1, 1L, 0L), (reclaim.Calls, k.Slowpath.Retries, k.Slowpath.WouldOom));
    }

    [Theory]
    [InlineData(CompactResult.Skipped)]
    [InlineData(CompactResult.Deferred)]
    public void A_costly_NORETRY_request_gives_up_after_a_skipped_or_deferred_initial_compaction(CompactResult result)
    {
        var compact = new ScriptedCompact(result);
        var reclaim = new ScriptedReclaim();
        LinuxKernel k = Boot(compact, reclaim);
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.TransHuge | GfpFlags.NoRetry, 9));
        Assert.Equal([Async], compact.Priorities);
        Assert.Equal((0, 0L), (reclaim.Calls, k.Slowpath.Retries));
    }

    [Fact]
    public void A_costly_NORETRY_request_whose_compaction_ran_reclaims_once_and_compacts_async_again()
    {
        var compact = new ScriptedCompact(CompactResult.Complete);
        var reclaim = new ScriptedReclaim();
        LinuxKernel k = Boot(compact, reclaim);
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.TransHuge | GfpFlags.NoRetry, 9));

        // compact_priority = INIT_COMPACT_PRIORITY: sync compaction could be very expensive.
        Assert.Equal([Async, Async], compact.Priorities);
        Assert.Equal((1, 1L), (reclaim.Calls, k.Slowpath.Retries));
    }

    [Fact]
    public void A_local_node_only_THP_attempt_does_not_reclaim_after_its_compaction_failed()
    {
        var compact = new ScriptedCompact(CompactResult.Complete);
        var reclaim = new ScriptedReclaim();
        LinuxKernel k = Boot(compact, reclaim);
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.TransHuge | GfpFlags.NoRetry | GfpFlags.ThisNode, 9));
        Assert.Equal([Async], compact.Priorities);
        Assert.Equal(0, reclaim.Calls);
    }

    [Fact]
    public void A_movable_small_order_skips_the_initial_compaction()
    {
        var compact = new ScriptedCompact(CompactResult.Complete);
        LinuxKernel k = Boot(compact);
        Fill(k);

        Assert.Equal(-1, Allocate(k, GfpFlags.HighUserMovable, 2));
        Assert.Equal([SyncLight], compact.Priorities);
    }

    [Fact]
    public void A_mask_without_IO_neither_compacts_nor_retries_compaction()
    {
        var compact = new ScriptedCompact(CompactResult.Complete);
        LinuxKernel k = Boot(compact, new ScriptedReclaim());
        Fill(k);

        // Without the OOM killer: with it, out_of_memory reports progress for an IO-less request and the
        // request retries for ever (tested in OomKill/OomSlowpathTests).
        k.Slowpath.OomKiller = null;

        // GFP_NOIO: gfp_compaction_allowed is false, but __alloc_pages_direct_compact is still called in the loop.
        Assert.Equal(-1, Allocate(k, GfpFlags.NoIo, 2));
        Assert.Equal([SyncLight], compact.Priorities);
    }

    [Fact]
    public void Compaction_that_captured_a_block_ends_the_slowpath_with_it_and_resets_deferral()
    {
        var compact = new ScriptedCompact(CompactResult.Success);
        LinuxKernel k = Boot(compact);
        List<int> pfns = Fill(k);

        // The "compaction" frees an aligned order-2 block of filled pages and hands it to the task's capture request.
        int block = pfns.First(p => (p & 3) == 0 && pfns.Contains(p + 1) && pfns.Contains(p + 2) && pfns.Contains(p + 3));
        compact.OnCall = cc =>
        {
            Assert.Same(cc.Capture, k.Current.Capture);
            Assert.True((k.Current.Flags & TaskFlags.Memalloc) != 0, "direct compaction runs under PF_MEMALLOC");
            for (int i = 0; i < 4; i++)
            {
                k.Node.Pages[block + i].Flags = 0;
            }

            cc.Capture!.Page = block;
        };

        Assert.Equal(block, Allocate(k, GfpFlags.Kernel, 2));
        Assert.Equal([Async], compact.Priorities);
        Assert.Equal((1, 1L), (compact.DeferResets, k.Node.VmEvents[(int)VmEventItem.CompactSuccess]));
        Assert.Equal(0L, k.Slowpath.Retries);
    }
}
