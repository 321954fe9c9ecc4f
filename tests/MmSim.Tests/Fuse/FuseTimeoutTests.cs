using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Sim;

namespace MmSim.Tests.Fuse;

/// <summary>Request timeouts (6.15+): fuse_init_server_timeout's choice, and fuse_check_timeout every 15 s looking only
/// at list heads.</summary>
public class FuseTimeoutTests
{
    private const long Sec = FuseRig.Sec;

    [Theory]
    [InlineData(0, 0, 0, 0)] // nothing set: no timeout
    [InlineData(5, 0, 0, 15)] // at least FUSE_TIMEOUT_TIMER_FREQ
    [InlineData(100, 0, 60, 60)] // the server's, capped by the max
    [InlineData(0, 30, 0, 30)] // the default when the server asks for none
    [InlineData(0, 90, 40, 40)] // the default, capped
    [InlineData(0, 0, 40, 40)] // only a max: it is the timeout
    [InlineData(20, 30, 0, 20)] // the server's wins over the default
    public void Init_server_timeout_picks_the_servers_timeout_capped_by_the_sysctls(long server, long dflt, long max, long expected)
    {
        var sysctl = new FuseSysctl { DefaultRequestTimeoutSecs = dflt, MaxRequestTimeoutSecs = max };
        Assert.Equal(expected, FuseConn.EffectiveTimeoutSecs(server, sysctl));
    }

    [Fact]
    public void An_expired_request_aborts_the_connection_at_the_first_check_after_expiry()
    {
        var rig = new FuseRig(sysctl: new FuseSysctl { DefaultRequestTimeoutSecs = 20 });
        Assert.Equal(20 * Sec, rig.Conn.RequestTimeoutNs);
        rig.Sim.Run(1 * Sec);
        FuseReq req = rig.Conn.NewRequest(FuseOpcode.Flush, background: false);
        SimTask waiter = rig.Sim.Spawn("closer", rig.Conn.SendAndWait(req));

        // Expired from 21 s on; checks run at 15, 30, 45… s after the mount.
        rig.Sim.Run(30 * Sec - 1);
        Assert.True(rig.Conn.Connected);
        Assert.Equal(TaskState.Uninterruptible, waiter.State);
        rig.Sim.Run(30 * Sec);
        Assert.False(rig.Conn.Connected);
        Assert.Equal((1L, FuseConn.EConnAborted), (rig.Conn.Timeouts, req.Error));
        rig.Sim.Run(31 * Sec);
        Assert.Equal(TaskState.Dead, waiter.State);
        rig.Verify("timed out");
    }

    [Fact]
    public void An_expired_request_behind_a_fresh_head_does_not_count_until_the_head_expires()
    {
        var rig = new FuseRig(sysctl: new FuseSysctl { DefaultRequestTimeoutSecs = 20 });

        // An old request queued late (as a writeback request built while its creator slept) sits behind a newer head.
        FuseReq old = rig.Conn.NewRequest(FuseOpcode.Write, background: true);
        rig.Sim.Run(19 * Sec);
        FuseReq fresh = rig.Conn.NewRequest(FuseOpcode.Flush, background: false);
        rig.Sim.Spawn("closer", rig.Conn.SendAndWait(fresh));
        rig.Sim.Run(20 * Sec);
        rig.Conn.QueueBackground(old);
        Assert.Equal([fresh, old], rig.Conn.Pending);

        // At 30 s only the head (created at 19 s, expired after 39 s) is looked at: no abort, though "old" expired at 20 s.
        rig.Sim.Run(44 * Sec);
        Assert.True(rig.Conn.Connected);
        rig.Sim.Run(45 * Sec);
        Assert.False(rig.Conn.Connected);
        Assert.Equal(FuseConn.EConnAborted, old.Error);
        rig.Verify("head only");
    }

    [Fact]
    public void A_request_held_by_a_stalled_server_thread_times_out_from_the_processing_list()
    {
        var rig = new FuseRig(new FuseMountOptions { RequestTimeoutSecs = 16 });
        rig.Server(stallAt: 0);
        FuseReq req = rig.Conn.NewRequest(FuseOpcode.Fsync, background: false);
        rig.Sim.Spawn("fsync", rig.Conn.SendAndWait(req));
        rig.Sim.Run(29 * Sec);
        Assert.Equal(FuseReqState.Processing, req.State);
        rig.Sim.Run(30 * Sec);
        Assert.False(rig.Conn.Connected);
        Assert.Equal(1, rig.Conn.Timeouts);
    }

    [Fact]
    public void Releases_before_6_15_have_no_request_timeout()
    {
        var rig = new FuseRig(release: "6.12", sysctl: new FuseSysctl { DefaultRequestTimeoutSecs = 20 });
        FuseReq req = rig.Conn.NewRequest(FuseOpcode.Flush, background: false);
        rig.Sim.Spawn("closer", rig.Conn.SendAndWait(req));
        rig.Sim.Run(300 * Sec);
        Assert.True(rig.Conn.Connected);
        Assert.Equal(0, rig.Conn.RequestTimeoutNs);
    }
}
