using MmSim.Fs.Fuse;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Fuse.Server;

/// <summary>stall, never_write and die: what the server holds, answers and leaves behind.</summary>
public class FuseServerBehaviourTests
{
    private const long Ms = ServerRig.Ms;

    [Fact]
    public void A_stalled_server_holds_what_it_read_and_reads_nothing_more_until_it_resumes()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 2, write: ServerRig.Const(10 * Ms), behaviour: FuseServerBehaviour.Stall, stallAtNs: 5 * Ms, resumeAtNs: 50 * Ms));
        FuseReq busy = rig.QueueBackground(FuseOpcode.Write); // thread 0 reads it at 0; thread 1 sleeps in fuse_dev_do_read

        rig.RunTo(20 * Ms);
        FuseReq late = rig.QueueBackground(FuseOpcode.Write); // after the stop: nobody reads it
        rig.RunTo(40 * Ms);
        Assert.Equal(FuseReqState.Processing, busy.State);
        Assert.Same(rig.Thread(0), busy.Holder);
        Assert.Equal(FuseReqState.Pending, late.State);
        Assert.All(rig.Server.Readers, r => Assert.Equal(TaskState.Interruptible, r.Task.State));
        Assert.All(rig.Server.Readers, r => Assert.Equal(FuseServer.SiteDoSignalStop, r.Task.WaitSite));
        Assert.Equal(1, rig.Stats.Metric(FuseServerMetrics.HeldWhenStalled));
        Assert.Equal(1, rig.Stats.Metric(FuseServerMetrics.HeldPagesWhenStalled));

        // SIGCONT at 50 ms: the held request is answered, the queued one read and answered 10 ms later.
        rig.RunTo(51 * Ms);
        Assert.Equal(FuseReqState.Ended, busy.State);
        Assert.Equal(FuseReqState.Processing, late.State);
        rig.RunTo(70 * Ms);
        Assert.Equal(FuseReqState.Ended, late.State);
        Assert.Equal(45 * Ms, rig.Stats.Metric(FuseServerMetrics.StalledNs));
    }

    [Fact]
    public void A_stall_without_resume_counts_its_time_to_the_end_of_the_run()
    {
        var rig = new ServerRig(ServerRig.Config(behaviour: FuseServerBehaviour.Stall, stallAtNs: 5 * Ms));
        rig.RunTo(30 * Ms);
        Assert.True(rig.Server.Stopped);
        rig.Server.Finish(30 * Ms);
        Assert.Equal(25 * Ms, rig.Stats.Metric(FuseServerMetrics.StalledNs));
        rig.Server.Finish(30 * Ms); // a second call adds nothing
        Assert.Equal(25 * Ms, rig.Stats.Metric(FuseServerMetrics.StalledNs));
    }

    [Fact]
    public void Never_write_holds_writes_and_answers_reads()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 1, behaviour: FuseServerBehaviour.NeverWrite));
        FuseReq write = rig.QueueBackground(FuseOpcode.Write, pages: 4);
        FuseReq? read = null;
        SimTask reader = rig.SendSync("cat", FuseOpcode.Read, 1 * Ms, r => read = r, pages: 2);
        FuseReq fsync = rig.QueueBackground(FuseOpcode.Fsync, pages: 0);

        rig.RunTo(100 * Ms);
        Assert.Equal(FuseReqState.Processing, write.State);
        Assert.Same(rig.Thread(0), write.Holder);
        Assert.Equal(FuseReqState.Ended, read!.State);
        Assert.Equal(0, read.Error);
        Assert.Equal(TaskState.Dead, reader.State);
        Assert.Equal(FuseReqState.Ended, fsync.State);
        Assert.Equal([write], rig.Server.HeldWrites);
        Assert.Equal(4, rig.Stats.Metric(FuseServerMetrics.PagesHeld));
        Assert.Equal(0, rig.Stats.Metric("answered_write"));
        Assert.Equal(1, rig.Stats.Metric("answered_read"));
    }

    [Fact]
    public void Die_aborts_the_connection_and_every_request_ends_with_econnaborted()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 2, write: ServerRig.Const(100 * Ms), behaviour: FuseServerBehaviour.Die, dieAtNs: 10 * Ms));
        FuseReq[] reqs = [.. Enumerable.Range(0, 5).Select(_ => rig.QueueBackground(FuseOpcode.Write))];
        FuseReq? sync = null;
        SimTask waiter = rig.SendSync("fsync", FuseOpcode.Fsync, 1 * Ms, r => sync = r);

        rig.RunTo(5 * Ms);
        Assert.Equal(2, reqs.Count(r => r.State == FuseReqState.Processing));
        Assert.Equal(TaskState.Uninterruptible, waiter.State);

        // SIGKILL at 10 ms: the threads in service (running in user space) exit when they return, the last
        // exit closes /dev/fuse and fuse_abort_conn ends the rest.
        rig.RunTo(200 * Ms);
        Assert.False(rig.Conn.Connected);
        Assert.All(reqs, r => Assert.Equal(FuseReqState.Ended, r.State));
        Assert.All(reqs, r => Assert.Equal(FuseConn.EConnAborted, r.Error));
        Assert.Equal(FuseConn.EConnAborted, sync!.Error);
        Assert.Equal(TaskState.Dead, waiter.State);
        Assert.All(rig.Server.Readers, r => Assert.Equal(TaskState.Dead, r.Task.State));
        Assert.Equal(2, rig.Stats.Metric(FuseServerMetrics.ExitedThreads));
        Assert.Equal(0, rig.Stats.Metric("answered_write"));

        // A request sent afterwards finds the connection dead.
        FuseReq after = rig.QueueBackground(FuseOpcode.Write);
        Assert.Equal(FuseConn.ENotConn, after.Error);
    }

    [Fact]
    public void A_dying_server_idle_in_dev_read_exits_at_once()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 3, behaviour: FuseServerBehaviour.Die, dieAtNs: 10 * Ms));
        rig.RunTo(10 * Ms + 1);
        Assert.False(rig.Conn.Connected);
        Assert.All(rig.Server.Readers, r => Assert.Equal(TaskState.Dead, r.Task.State));
    }

    [Fact]
    public void A_stopped_server_that_is_killed_exits_and_aborts()
    {
        var rig = new ServerRig(ServerRig.Config(write: ServerRig.Const(1 * Ms), behaviour: FuseServerBehaviour.Stall, stallAtNs: 1 * Ms));
        FuseReq held = rig.QueueBackground(FuseOpcode.Write);
        rig.RunTo(10 * Ms);
        Assert.Equal(FuseReqState.Processing, held.State);
        rig.Server.Kill();
        rig.RunTo(11 * Ms);
        Assert.False(rig.Conn.Connected);
        Assert.Equal(FuseConn.EConnAborted, held.Error);
    }
}
