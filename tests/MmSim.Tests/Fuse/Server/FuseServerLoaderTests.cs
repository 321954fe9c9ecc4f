using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Fuse.Server;

/// <summary>The <c>fuse_server</c> scenario fields: defaults, and every mistake named with its file, line and field.</summary>
public class FuseServerLoaderTests
{
    private const string Mounts = "mounts:\n  - { name: data }\n";

    [Fact]
    public void Behaviour_fields_given_for_another_behaviour_or_missing_are_errors()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal(
            Mounts + "workloads:\n"
            + "  - { type: fuse_server, mount: f, stall_at: 1s }\n"
            + "  - { type: fuse_server, mount: f, behaviour: stall }\n"
            + "  - { type: fuse_server, mount: f, behaviour: stall, stall_at: 2s, resume_at: 1s }\n"
            + "  - { type: fuse_server, mount: f, behaviour: die, slow_factor: 3 }\n"
            + "  - { type: fuse_server, mount: f, behaviour: sleepy, threads: 0 }\n"));
        Assert.Contains(errors, e => e.Contains("workloads[0].stall_at: applies only to `behaviour: stall`", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[1].behaviour: `behaviour: stall` needs `stall_at`", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[2].resume_at: 1s is not after stall_at 2s", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[3].slow_factor: applies only to `behaviour: slow`", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[3].behaviour: `behaviour: die` needs `die_at`", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[4].behaviour", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[4].threads", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Matches(@"^test\.yaml:\d+:\d+: ", e));
    }

    [Fact]
    public void A_server_needs_a_fuse_mount_and_a_backing_mount_that_is_not()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal(
            Mounts + "workloads:\n"
            + "  - { type: fuse_server, mount: nope }\n"));
        Assert.Contains(errors, e => e.Contains("workloads[0].mount: fuse_server serves mount 'nope', which `mounts` does not list; it needs a mount with `fs: fuse` (none is declared)", StringComparison.Ordinal));

        // A service time is a distribution.
        errors = TestFiles.Errors(TestFiles.Minimal(Mounts + "workloads:\n  - { type: fuse_server, mount: data, write_service: fast }\n"));
        Assert.Contains(errors, e => e.Contains("workloads[0].write_service", StringComparison.Ordinal));
    }

    [Fact]
    public void A_server_on_an_ext4_mount_is_refused()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal(Mounts + "workloads:\n  - { type: fuse_server, mount: data, backing_mount: gone }\n"));
        Assert.Contains(errors, e => e.Contains("workloads[0].mount: fuse_server serves mount 'data', which is ext4", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[0].backing_mount: fuse_server names backing mount 'gone', which `mounts` does not list", StringComparison.Ordinal));
    }
}
