using MmSim.Mm;
using MmSim.Runs;
using static MmSim.Tests.WritebackDesigns.Steps.StepsRig;

namespace MmSim.Tests.WritebackDesigns.Steps;

/// <summary>
/// The other MIGRATE_SYNC users over a FUSE folio stuck under writeback (the server stalls for good after the writer's
/// fsync sent it): how each design ends move_pages, mbind, soft_offline, memory_failure and pin_longterm, as
/// summary.json's outcomes name them.
/// </summary>
public class StalledServerStepTests
{
    // dd writes 1024 pages and fsyncs; the server answers 1 ms requests until it stalls at 300 ms, holding one.
    private static StepsRig Stalled(string design, long? tNs = null)
    {
        var rig = new StepsRig(design, stallAtNs: 300 * Ms, tNs: tNs);
        rig.Writer(1024);
        rig.RunTo(1 * Sec);
        Assert.NotEmpty(rig.StuckIndices());
        return rig;
    }

    private static string StepOn(string action, long index) => action switch
    {
        "soft_offline" or "memory_failure" => $"      - {{ at: 1s, do: {action}, file: dd.dat, mount: fuse0, index: {index} }}\n",
        _ => $"      - {{ at: 1s, do: {action}, file: dd.dat, index: {index}, pages: 4 }}\n",
    };

    [Theory]
    [InlineData("move_pages")]
    [InlineData("mbind")]
    [InlineData("soft_offline")]
    [InlineData("memory_failure")]
    [InlineData("pin_longterm")]
    public void Linux_6_16_each_step_on_a_stuck_folio_hangs_in_D_with_the_chain_to_the_server(string action)
    {
        StepsRig rig = Stalled("linux-6.16");
        long index = rig.StuckIndices()[0];
        rig.Steps(StepOn(action, index));
        rig.RunTo(14 * Sec);
        OutcomesSummary o = rig.Outcomes();
        StepOutcomeSummary step = Step(o, action);
        Assert.Equal(("hung", 13 * Sec), (step.Outcome, step.LatencyNs));
        HungTaskOutcome h = Assert.Single(o.HungTasks, t => t.Role == action);
        Assert.Equal("folio_wait_writeback", h.WaitSite);
        Assert.True(h.EndsAtFuseServer);
        Assert.StartsWith("fuse-server:", h.ServerTask);
        Assert.Empty(o.Deadlocks);
    }

    [Theory]
    [InlineData("move_pages", "ebusy")]
    [InlineData("mbind", "eio")]
    public void Skip_sync_migration_move_pages_and_mbind_fail_the_stuck_folio_at_once(string action, string word)
    {
        StepsRig rig = Stalled("skip-sync-migration");
        long index = rig.StuckIndices()[0];
        int pfn = rig.File!.Pfn[index];
        rig.Steps(StepOn(action, index));
        rig.RunTo(14 * Sec);
        OutcomesSummary o = rig.Outcomes();
        StepOutcomeSummary step = Step(o, action);
        Assert.Equal(word, step.Outcome);
        Assert.StartsWith(word.ToUpperInvariant(), step.Reason, StringComparison.Ordinal);
        Assert.True(step.LatencyNs < 10 * Ms, $"{action} took {step.LatencyNs} ns");
        Assert.DoesNotContain(o.HungTasks, t => t.Role == action);

        // The stuck folio stays where it was, under writeback; it was not moved.
        Assert.Equal(pfn, rig.File.Pfn[index]);
        Assert.True(rig.Pages[pfn].Has(PageFlags.Writeback));
    }

    // mm/memory-failure.c: soft_offline_in_use_page waits (folio_lock; folio_wait_writeback) before it migrates, so
    // skipping the folio in migration does not help it: it hangs like memory_failure (docs/designs.md).
    [Theory]
    [InlineData("soft_offline")]
    [InlineData("memory_failure")]
    public void Skip_sync_migration_soft_offline_and_memory_failure_still_wait_in_folio_wait_writeback(string action)
    {
        StepsRig rig = Stalled("skip-sync-migration");
        rig.Steps(StepOn(action, rig.StuckIndices()[0]));
        rig.RunTo(14 * Sec);
        OutcomesSummary o = rig.Outcomes();
        Assert.Equal("hung", Step(o, action).Outcome);
        HungTaskOutcome h = Assert.Single(o.HungTasks, t => t.Role == action);
        Assert.Equal(("folio_wait_writeback", true), (h.WaitSite, h.EndsAtFuseServer));
    }

    // memory_failure has no migration and so no policy: every design that leaves the page-cache folio under writeback
    // until the server answers makes it wait; the temp-page designs end that writeback once the request is queued.
    [Theory]
    [InlineData("linux-6.16", true)]
    [InlineData("no-reclaim-flag", true)]
    [InlineData("skip-sync-migration", true)]
    [InlineData("skip-sync-compaction", true)]
    [InlineData("wait-timeout", true)]
    [InlineData("cancel-writeback", true)]
    [InlineData("ask-fs", true)]
    [InlineData("linux-6.15", false)]
    [InlineData("temp-pages-pool", false)]
    public void Memory_failure_waits_in_folio_wait_writeback_under_every_design_that_leaves_the_folio_under_writeback(string design, bool underWriteback)
    {
        var rig = new StepsRig(design, stallAtNs: 300 * Ms);
        rig.Writer(1024);
        rig.RunTo(1 * Sec);
        List<long> stuck = rig.StuckIndices();
        Assert.Equal(underWriteback, stuck.Count > 0);
        rig.Steps(StepOn("memory_failure", stuck.Count > 0 ? stuck[0] : 0));
        rig.RunTo(14 * Sec);
        OutcomesSummary o = rig.Outcomes();
        StepOutcomeSummary step = Step(o, "memory_failure");
        if (underWriteback)
        {
            Assert.Equal("hung", step.Outcome);
            Assert.Equal("folio_wait_writeback", Assert.Single(o.HungTasks, t => t.Role == "memory_failure").WaitSite);
            return;
        }

        // The temp page carries the data: the page-cache folio is truncated at once (recovered).
        Assert.Equal("ok", step.Outcome);
        Assert.True(rig.File!.Pfn[0] < 0, "the folio left the page cache");
    }

    [Fact]
    public void Fuse_abort_ends_the_stuck_writeback_with_the_mapping_error_and_a_hung_move_pages_returns()
    {
        StepsRig rig = Stalled("linux-6.16");
        long index = rig.StuckIndices()[0];
        rig.Steps(StepOn("move_pages", index));
        rig.Steps("      - { at: 5s, do: fuse_abort, mount: fuse0 }\n");
        rig.RunTo(14 * Sec);
        OutcomesSummary o = rig.Outcomes();
        Assert.Equal("ok", Step(o, "fuse_abort").Outcome);
        Assert.Empty(rig.StuckIndices());
        Assert.False(rig.Conn.Connected);
        Assert.Equal(Fs.Fuse.FuseConn.EConnAborted, rig.File!.WbErr);

        // move_pages waited until the abort ended the writeback, then moved the folio (clean now: its data is lost).
        StepOutcomeSummary move = Step(o, "move_pages");
        Assert.Equal("ok", move.Outcome);
        Assert.InRange(move.LatencyNs, 4 * Sec, 4 * Sec + (10 * Ms));
        Assert.DoesNotContain(o.HungTasks, t => t.Role == "move_pages");
    }

    [Fact]
    public void Fuse_abort_of_a_mount_that_is_not_fuse_fails_with_enoent()
    {
        var rig = new StepsRig("linux-6.16", stallAtNs: -1);
        rig.Steps("      - { at: 1s, do: fuse_abort, mount: root }\n");
        rig.RunTo(2 * Sec);
        StepOutcomeSummary s = Step(rig.Outcomes(), "fuse_abort");
        Assert.Equal("enoent", s.Outcome);
        Assert.True(rig.Conn.Connected);
    }
}
