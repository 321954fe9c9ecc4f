using MmSim.Runs;
using MmSim.Sim;

namespace MmSim.Tests.Fuse.Outcomes;

/// <summary>
/// A server that stalls for good with folios under FUSE writeback (a writer's fsync sent them), then CMA allocations,
/// an offline of the ZONE_MOVABLE block holding them (with a signal after 5 s) and compact_memory: how each design
/// ends them, as summary.json's outcomes name it.
/// </summary>
public class StalledServerOutcomeTests
{
    private const long Ms = OutcomeRig.Ms;
    private const long Sec = OutcomeRig.Sec;

    // Page cache goes to ZONE_MOVABLE first: the stuck folios sit in its first 16 MiB block (block 4).
    private const string MovableMachine = "  memory_block_size: 16MiB\n  zones:\n    - name: Normal\n      size: 64MiB\n    - name: Movable\n      size: 32MiB\n";

    // A CMA area of two thirds of the zone: movable allocations take CMA first (more than half the free memory is CMA).
    private const string CmaMachine = "  memory_block_size: 16MiB\n  zones:\n    - name: Normal\n      size: 96MiB\n  cma:\n    - { name: cma0, size: 64MiB, zone: Normal }\n";

    private static OutcomeRig Stalled(string design, string machine, string kernel = "")
    {
        var rig = new OutcomeRig(design, OutcomeRig.ServerConfig(stallAtNs: 300 * Ms), machine: machine, kernel: kernel);
        rig.Writer("dd", 1024, fsync: true);
        rig.RunTo(1 * Sec);
        return rig;
    }

    private static OutcomesSummary OfflineAndCompact(string design, out OutcomeRig rig, string kernel = "", long untilNs = 14 * Sec)
    {
        rig = Stalled(design, MovableMachine, kernel);
        int block = rig.StuckFolios() is { Count: > 0 } stuck ? stuck[0] / 4096 : 4;
        rig.Steps($"      - {{ at: 1s, do: offline, block: {block}, signal_after: 5s }}\n");
        rig.Steps("      - { at: 1s, do: compact }\n");
        rig.RunTo(untilNs);
        return rig.Outcomes();
    }

    private static OutcomesSummary CmaAlloc(string design, out OutcomeRig rig, long untilNs = 14 * Sec, string kernel = "", Action<OutcomeRig>? beforeSteps = null)
    {
        rig = Stalled(design, CmaMachine, kernel);
        beforeSteps?.Invoke(rig);
        rig.Steps("      - { at: 1s, do: cma_alloc, id: c, area: cma0, pages: 16384 }\n");
        rig.RunTo(untilNs);
        return rig.Outcomes();
    }

    private static StepOutcomeSummary Step(OutcomesSummary o, string action) => Assert.Single(o.Steps, s => s.Do == action);

    [Fact]
    public void Linux_6_16_cma_alloc_and_offline_hang_in_D_with_the_chain_to_the_stopped_server()
    {
        OutcomesSummary cma = CmaAlloc("linux-6.16", out OutcomeRig rig);
        Assert.NotEmpty(rig.StuckFolios());
        Assert.Equal(("hung", 13 * Sec), (Step(cma, "cma_alloc").Outcome, Step(cma, "cma_alloc").LatencyNs));
        HungTaskOutcome h = Assert.Single(cma.HungTasks, t => t.Role == "cma_alloc");
        Assert.Equal("folio_wait_writeback", h.WaitSite);
        Assert.True(h.EndsAtFuseServer);
        Assert.StartsWith("fuse-server:", h.ServerTask);
        Assert.Equal("S do_signal_stop", h.ServerState);
        Assert.Contains(cma.HungByRole, r => r.Role == "fsync" && r.Count == 1);

        OutcomesSummary off = OfflineAndCompact("linux-6.16", out _);
        Assert.Equal(("hung", 1), (Step(off, "offline").Outcome, Step(off, "offline").Passes));
        Assert.Contains(off.HungTasks, t => t.Role == "offline" && t.EndsAtFuseServer);
        Assert.Empty(off.Deadlocks);
    }

    [Fact]
    public void Linux_6_16_direct_compaction_and_kcompactd_never_wait_on_the_stuck_folios()
    {
        OutcomesSummary o = OfflineAndCompact("linux-6.16", out OutcomeRig rig);
        Assert.DoesNotContain(o.HungTasks, t => t.Task.StartsWith("kcompactd", StringComparison.Ordinal));
        Assert.NotEqual(TaskState.Uninterruptible, rig.Daemons.Kcompactd.Task!.State);
        Assert.DoesNotContain(o.HungTasks, t => t.Role is "writer" or "reclaim" or "other");
    }

    [Fact]
    public void Skip_sync_migration_cma_fails_ebusy_offline_retries_until_the_signal_compact_completes()
    {
        OutcomesSummary cma = CmaAlloc("skip-sync-migration", out _);
        Assert.Equal("ebusy", Step(cma, "cma_alloc").Outcome);
        Assert.DoesNotContain(cma.HungTasks, t => t.Role == "cma_alloc");

        OutcomesSummary off = OfflineAndCompact("skip-sync-migration", out _);
        StepOutcomeSummary offline = Step(off, "offline");
        Assert.Equal(("interrupted", "signal backoff"), (offline.Outcome, offline.Reason));
        Assert.True(offline.Passes > 1, $"offline made {offline.Passes} passes");
        Assert.InRange(offline.LatencyNs, 5 * Sec, 5 * Sec + 100 * Ms);
        Assert.Equal("ok", Step(off, "compact").Outcome);
        Assert.DoesNotContain(off.HungTasks, t => t.Role is "offline" or "compact_memory");
    }

    [Fact]
    public void Skip_sync_compaction_compact_completes_but_cma_and_offline_hang()
    {
        OutcomesSummary cma = CmaAlloc("skip-sync-compaction", out _);
        Assert.Equal("hung", Step(cma, "cma_alloc").Outcome);
        Assert.Contains(cma.HungTasks, t => t.Role == "cma_alloc" && t.EndsAtFuseServer);

        OutcomesSummary off = OfflineAndCompact("skip-sync-compaction", out _);
        Assert.Equal("hung", Step(off, "offline").Outcome);
        Assert.Equal("ok", Step(off, "compact").Outcome);
    }

    [Fact]
    public void Wait_timeout_bounded_waits_fire_and_offline_reads_as_retrying_never_hung()
    {
        OutcomesSummary cma = CmaAlloc("wait-timeout", out _);
        Assert.True(cma.Waits.MigrateTimeouts >= 1, $"{cma.Waits}");
        Assert.DoesNotContain(cma.HungTasks, t => t.Role == "cma_alloc");

        OutcomesSummary off = OfflineAndCompact("wait-timeout", out _);
        Assert.Equal("retrying", Step(off, "offline").Outcome);
        Assert.DoesNotContain(off.HungTasks, t => t.Role == "offline");
    }

    // wait-timeout's give-up time, derived (docs/designs.md): the request is the whole area, so cma_range_alloc has one
    // candidate window (W = 1); __alloc_contig_migrate_range isolates one batch of at most COMPACT_CLUSTER_MAX folios
    // and passes it to migrate_pages until ++tries == 5; each call waits T on every stuck folio of the batch (a timed-out
    // folio fails with -EBUSY and stays on the list). So cma_alloc fails with -EBUSY after 5 × B × T, B = the batch's
    // stuck folios (32 here: the stuck folios are a contiguous run far longer than a batch), plus the same run's own
    // work, which skip-sync-migration (the same control flow with no wait) measures. With T = 10 s, as the design's
    // default, that is 1600 s: why the old test, run to 60 s with 3 timeouts, never saw it return.
    [Fact]
    public void Wait_timeout_cma_alloc_fails_after_five_timeouts_per_stuck_folio_of_its_batch()
    {
        const long T = 100 * Ms;
        string kernel = $"  writeback_wait_timeout: {T / Ms}ms\n";
        OutcomesSummary skip = CmaAlloc("skip-sync-migration", out _, 40 * Sec, kernel);
        OutcomesSummary cma = CmaAlloc("wait-timeout", out OutcomeRig rig, 40 * Sec, kernel);
        int batch = Mm.Compaction.CompactControl.CompactClusterMax;
        Assert.True(rig.StuckFolios().Count > 2 * batch, $"{rig.StuckFolios().Count} stuck folios");
        Assert.Equal(("ebusy", "ebusy"), (Step(skip, "cma_alloc").Outcome, Step(cma, "cma_alloc").Outcome));
        Assert.Equal(5L * batch, cma.Waits.MigrateTimeouts);
        Assert.Equal(Step(skip, "cma_alloc").LatencyNs + (5 * batch * T), Step(cma, "cma_alloc").LatencyNs);
        Assert.DoesNotContain(cma.HungTasks, t => t.Role == "cma_alloc");
    }

    // cancel-writeback, derived: migrate_pages' SYNC pass meets the stuck folios one at a time, waits T on each, and
    // the filesystem then cancels its writeback (nothing here is spliced or being copied), so the folio migrates.
    // "About T after they start" holds per folio: a range holding N stuck folios succeeds N × T after it starts, plus
    // its own work. With T = 10 s and the 700-odd stuck folios of this set-up that is about two hours: why the old
    // test, run 13 s past the first cancels, never saw them return.
    [Fact]
    public void Cancel_writeback_cma_and_offline_succeed_T_after_they_start_per_stuck_folio()
    {
        const long T = 5 * Ms; // N × T stays below the offline's signal_after (5 s)
        string kernel = $"  writeback_cancel_after: {T / Ms}ms\n";
        int stuck = 0;
        OutcomesSummary cma = CmaAlloc("cancel-writeback", out OutcomeRig rig, 40 * Sec, kernel, r => stuck = r.StuckFolios().Count);
        StepOutcomeSummary c = Step(cma, "cma_alloc");
        Assert.Equal("ok", c.Outcome);
        Assert.Equal((long)stuck, cma.Waits.Cancels);
        Assert.InRange(c.LatencyNs, stuck * T, (stuck * T) + (200 * Ms));
        Assert.Empty(rig.StuckFolios());

        OutcomesSummary off = OfflineAndCompact("cancel-writeback", out _, kernel, 40 * Sec);
        StepOutcomeSummary o = Step(off, "offline");
        Assert.Equal("ok", o.Outcome);
        Assert.True(off.Waits.Cancels > 0);
        Assert.InRange(o.LatencyNs, off.Waits.Cancels * T, (off.Waits.Cancels * T) + (200 * Ms));
        Assert.DoesNotContain(off.HungTasks, t => t.Role is "offline" or "cma_alloc");
    }

    [Fact]
    public void Cancel_writeback_cancels_are_counted_and_no_waiter_is_reported_hung()
    {
        OutcomesSummary cma = CmaAlloc("cancel-writeback", out _);
        Assert.True(cma.Waits.Cancels >= 1, $"{cma.Waits}");
        Assert.DoesNotContain(cma.HungTasks, t => t.Role == "cma_alloc");
    }

    [Theory]
    [InlineData("linux-6.15")]
    [InlineData("temp-pages-pool")]
    public void Temp_page_designs_cma_and_movable_offlining_succeed_with_temp_pages_in_flight(string design)
    {
        OutcomesSummary cma = CmaAlloc(design, out OutcomeRig rig);
        Assert.Empty(rig.StuckFolios());
        Assert.Equal("ok", Step(cma, "cma_alloc").Outcome);
        Assert.True(cma.TempPagesPeak > 0);
        Assert.Equal(cma.TempPagesPeak, Assert.Single(cma.Fuse).TempPagesPeak);

        OutcomesSummary off = OfflineAndCompact(design, out _);
        Assert.Equal("ok", Step(off, "offline").Outcome);
        Assert.Equal("ok", Step(off, "compact").Outcome);

        // The writer's fsync still waits on the copies in flight (fi->page_waitq), with the chain to the server.
        HungTaskOutcome h = Assert.Single(off.HungTasks);
        Assert.Equal(("fsync", "fuse_sync_writes", true), (h.Role, h.WaitSite, h.EndsAtFuseServer));
    }

    [Fact]
    public void Ask_fs_lets_a_stranger_wait_since_its_wait_cannot_deadlock()
    {
        OutcomesSummary cma = CmaAlloc("ask-fs", out _);
        Assert.Equal("hung", Step(cma, "cma_alloc").Outcome);
        Assert.Empty(cma.Deadlocks);
    }
}
