using MmSim.Kernel;
using MmSim.Runs;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Tests.Fuse.Outcomes;

/// <summary>The classification of hung tasks, deadlocks and steps, on constructed wait chains.</summary>
public class OutcomeClassifierTests
{
    private static WaitChainLink Blocked(int pid, string comm, string site, string on, int releaserPid = 0, string? releaserComm = null, TaskState state = TaskState.Uninterruptible) =>
        new(pid, comm, state, site, on, 1_000, -1, releaserPid, releaserComm);

    private static WaitChainLink Running(int pid, string comm, TaskState state = TaskState.Runnable) => new(pid, comm, state, null, null, -1, -1, 0, null);

    [Theory]
    [InlineData("steps", "folio_wait_writeback", "folio 0x10 writeback", "offline", false, false, "offline")]
    [InlineData("steps", "folio_wait_writeback", "folio 0x10 writeback", "cma_alloc", false, false, "cma_alloc")]
    [InlineData("steps", "folio_wait_writeback", "folio 0x10 writeback", "alloc_contig", false, false, "alloc_contig")]
    [InlineData("steps", "folio_wait_writeback", "folio 0x10 writeback", "compact", false, false, "compact_memory")]
    [InlineData("steps", "folio_wait_writeback", "folio 0x10 writeback", "move_pages", false, false, "move_pages")]
    [InlineData("syncer", "wb_wait_for_completion", "wb completion", null, false, false, "sync")]
    [InlineData("app", "folio_wait_writeback", "folio 0x10 writeback", "sync", false, false, "sync")]
    [InlineData("app", "folio_wait_writeback", "folio 0x10 writeback", "fsync", false, false, "fsync")]
    [InlineData("app", "fuse_sync_writes", "fi->page_waitq", null, false, false, "fsync")]
    [InlineData("app", "request_wait_answer", "fuse request 9 (FUSE_FSYNC, pending) on fuse0", null, false, false, "fsync")]
    [InlineData("app", "request_wait_answer", "fuse request 9 (FUSE_FLUSH, pending) on fuse0", null, false, false, "close")]
    [InlineData("app", "folio_wait_writeback", "folio 0x10 writeback", "close", false, false, "close")]
    [InlineData("dd", "balance_dirty_pages", "timer", null, false, false, "writer")]
    [InlineData("dd", "folio_wait_writeback", "folio 0x10 writeback", null, false, false, "writer")]
    [InlineData("dd", "fuse_wait_on_page_writeback", "fi->page_waitq", null, false, false, "writer")]
    [InlineData("dd", "folio_wait_writeback", "folio 0x10 writeback", null, true, false, "reclaim")]
    [InlineData("kswapd0", "folio_wait_writeback", "folio 0x10 writeback", null, false, false, "reclaim")]
    [InlineData("kworker/u:flush-0:40", "request_wait_answer", "fuse request 1 (FUSE_WRITE, pending) on fuse0", null, false, false, "flusher")]
    [InlineData("fuse-server", "folio_wait_writeback", "folio 0x10 writeback", null, true, true, "fuse_server")]
    [InlineData("kcompactd0", "kcompactd", "kcompactd_wait", null, false, false, "other")]
    public void A_hung_task_is_named_by_server_flusher_activity_reclaim_then_wait_site(
        string comm, string site, string on, string? activity, bool inLimitReclaim, bool server, string role)
    {
        string got = OutcomeClassifier.Role(Blocked(5, comm, site, on), new TaskFacts(activity, inLimitReclaim, server));
        Assert.Equal(role, got);
        Assert.Contains(got, OutcomeClassifier.Roles);
    }

    [Fact]
    public void A_chain_ending_at_a_stopped_server_thread_names_it_and_its_state()
    {
        var chain = new WaitChain(
            [
                Blocked(5, "steps", "folio_wait_writeback", "folio 0x10 writeback", 7, "fuse-server"),
                Blocked(7, "fuse-server", "do_signal_stop", "stop", state: TaskState.Interruptible),
            ], -1);
        Assert.Equal(("fuse-server:7", "S do_signal_stop"), OutcomeClassifier.ChainEnd(chain, pid => pid == 7));
        Assert.Equal(((string?)null, (string?)null), OutcomeClassifier.ChainEnd(chain, pid => pid == 99));

        var busy = new WaitChain([Blocked(5, "dd", "folio_wait_writeback", "folio 0x10 writeback", 7, "fuse-server"), Running(7, "fuse-server")], -1);
        Assert.Equal(("fuse-server:7", "R"), OutcomeClassifier.ChainEnd(busy, pid => pid == 7));
    }

    [Fact]
    public void A_server_in_limit_reclaim_waiting_on_its_own_folio_is_the_cgroup_v1_deadlock()
    {
        // A single-threaded server: its writeback is released by itself (it would pick up the queued request).
        WaitChainLink server = Blocked(7, "fuse-server", "folio_wait_writeback", "folio 0x10 writeback", 7, "fuse-server");
        Assert.Equal(OutcomeClassifier.CgroupV1Reclaim, OutcomeClassifier.DeadlockKind([server], [new TaskFacts(null, true, true)]));

        // Not in limit reclaim (e.g. fsync in the server): another kind.
        Assert.Equal(OutcomeClassifier.Other, OutcomeClassifier.DeadlockKind([server], [new TaskFacts(null, false, true)]));

        // A writer in limit reclaim waiting on a folio the server ends, the server waiting on the writer's lock.
        WaitChainLink writer = Blocked(5, "dd", "folio_wait_writeback", "folio 0x10 writeback", 7, "fuse-server");
        WaitChainLink srv = Blocked(7, "fuse-server", "__folio_lock", "folio 0x20 lock", 5, "dd");
        Assert.Equal(
            OutcomeClassifier.CgroupV1Reclaim,
            OutcomeClassifier.DeadlockKind([writer, srv], [new TaskFacts(null, true, false), new TaskFacts(null, false, true)]));

        // The same shape when the releaser is not a server thread (a block device's writeback): other.
        Assert.Equal(
            OutcomeClassifier.Other,
            OutcomeClassifier.DeadlockKind([writer, srv], [new TaskFacts(null, true, false), new TaskFacts(null, false, false)]));
    }

    [Fact]
    public void Steps_read_as_ok_ebusy_hung_retrying_timeout_interrupted_with_their_latency()
    {
        var sim = new Simulator(1);
        var queue = new WaitQueue("q");
        SimTask d = sim.Spawn("steps", [Wait.On(queue, TaskState.Uninterruptible, "folio_wait_writeback")]);
        SimTask r = sim.Spawn("steps2", [Wait.Sleep(10_000)]);
        sim.Run(100);

        StepOutcome Step(string action, string result, string reason, long end, SimTask? task = null) =>
            new(0, 10, action, "x") { Result = result, Reason = reason, EndNs = end, Task = task };

        Assert.Equal(new StepOutcomeSummary(0, "cma_alloc", "x", "ok", 0, 40, ""), OutcomesBuilder.StepOf(Step("cma_alloc", "ok", "", 50), 1000));
        Assert.Equal("ebusy", OutcomesBuilder.StepOf(Step("cma_alloc", "failed", "", 50), 1000).Outcome);
        Assert.Equal("ebusy", OutcomesBuilder.StepOf(Step("alloc_contig", "failed", "", 50), 1000).Outcome);
        Assert.Equal("timeout", OutcomesBuilder.StepOf(Step("cma_alloc", "failed", "ETIMEDOUT", 50), 1000).Outcome);
        Assert.Equal("interrupted", OutcomesBuilder.StepOf(Step("cma_alloc", "failed", "EINTR", 50), 1000).Outcome);
        Assert.Equal("failed", OutcomesBuilder.StepOf(Step("online", "failed", "", 50), 1000).Outcome);
        Assert.Equal(new StepOutcomeSummary(0, "compact", "x", "hung", 0, 990, ""), OutcomesBuilder.StepOf(Step("compact", StepOutcome.Running, "", -1, d), 1000));
        Assert.Equal("retrying", OutcomesBuilder.StepOf(Step("compact", StepOutcome.Running, "", -1, r), 1000).Outcome);
        queue.WakeUpAll();
    }
}
