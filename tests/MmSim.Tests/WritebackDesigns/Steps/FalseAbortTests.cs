using MmSim.Mm.Migrate;
using MmSim.Runs;
using static MmSim.Tests.WritebackDesigns.Steps.StepsRig;

namespace MmSim.Tests.WritebackDesigns.Steps;

/// <summary>
/// False aborts through FUSE itself: a move_pages waits on a FUSE folio under writeback for T, then gives up
/// (wait-timeout) or cancels it (cancel-writeback). A healthy but slow server later answers the request: the abort
/// was false. A server that never answers, aborted through fusectl, ends the request with an error: the abort was
/// not false, and nothing stays pending.
/// </summary>
public class FalseAbortTests
{
    private const long T = 100 * Ms;

    // One request of 24 pages that a server at 100 ms per page answers at about 2.4 s; move_pages of page 20 at 0.5 s.
    private static (StepsRig Rig, OutcomesSummary O) SlowServer(string design)
    {
        var rig = new StepsRig(design, stallAtNs: -1, serviceNs: 100 * Ms, tNs: T);
        rig.Writer(24);
        rig.Steps("      - { at: 500ms, do: move_pages, file: dd.dat, index: 20 }\n");
        rig.RunTo(6 * Sec);
        Assert.True(rig.StuckIndices().Count == 0, $"stuck at 6 s: {string.Join(",", rig.StuckIndices())}; conn sent {rig.Conn.Sent} answered {rig.Conn.Answered}");
        return (rig, rig.Outcomes());
    }

    // The server stalls at 300 ms holding requests; move_pages of a stuck page at 1 s; fusectl abort at 2 s.
    private static (StepsRig Rig, OutcomesSummary O) StalledThenAborted(string design)
    {
        var rig = new StepsRig(design, stallAtNs: 300 * Ms, tNs: T);
        rig.Writer(1024);
        rig.RunTo(1 * Sec);
        long index = rig.StuckIndices()[^1];
        rig.Steps($"      - {{ at: 1s, do: move_pages, file: dd.dat, index: {index} }}\n");
        rig.Steps("      - { at: 2s, do: fuse_abort, mount: fuse0 }\n");
        rig.RunTo(4 * Sec);
        Assert.Empty(rig.StuckIndices());
        return (rig, rig.Outcomes());
    }

    [Fact]
    public void Wait_timeout_on_a_healthy_but_slow_server_is_a_false_abort()
    {
        (StepsRig rig, OutcomesSummary o) = SlowServer("wait-timeout");
        MigrateWritebackStats ws = rig.Kernel.Migrate.WritebackStats;
        Assert.Equal("ebusy", Step(o, "move_pages").Outcome);
        Assert.Equal((1L, 1L, 0), (ws.Timeouts, ws.FalseAbortTimeouts, ws.Pending));
        Assert.Equal((1L, 1L, 0L), (o.Waits.MigrateTimeouts, o.Waits.FalseAborts, o.Waits.AbortsPending));
    }

    [Fact]
    public void Wait_timeout_on_a_server_that_never_answers_and_is_aborted_is_no_false_abort()
    {
        (StepsRig rig, OutcomesSummary o) = StalledThenAborted("wait-timeout");
        MigrateWritebackStats ws = rig.Kernel.Migrate.WritebackStats;
        Assert.Equal("ebusy", Step(o, "move_pages").Outcome);
        Assert.Equal((1L, 0L, 0), (ws.Timeouts, ws.FalseAborts, ws.Pending));
        Assert.Equal(0L, o.Waits.FalseAborts);
    }

    [Fact]
    public void Cancel_writeback_on_a_healthy_but_slow_server_is_a_false_abort_once_the_server_answers()
    {
        (StepsRig rig, OutcomesSummary o) = SlowServer("cancel-writeback");
        MigrateWritebackStats ws = rig.Kernel.Migrate.WritebackStats;
        StepOutcomeSummary move = Step(o, "move_pages");
        Assert.Equal("ok", move.Outcome);
        Assert.InRange(move.LatencyNs, T, T + (10 * Ms));
        Assert.Equal((1L, 1L, 0), (ws.Cancels, ws.FalseAbortCancels, ws.Pending));
        Assert.Equal(1L, o.Waits.FalseAborts);
    }

    [Fact]
    public void Cancel_writeback_on_a_server_that_never_answers_and_is_aborted_is_no_false_abort()
    {
        (StepsRig rig, OutcomesSummary o) = StalledThenAborted("cancel-writeback");
        MigrateWritebackStats ws = rig.Kernel.Migrate.WritebackStats;
        Assert.Equal("ok", Step(o, "move_pages").Outcome);
        Assert.Equal((1L, 0L, 0), (ws.Cancels, ws.FalseAborts, ws.Pending));
        Assert.Equal((0L, 0L), (o.Waits.FalseAborts, o.Waits.AbortsPending));
    }
}
