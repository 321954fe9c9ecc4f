using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Fuse;

/// <summary>`fs: fuse` mounts, their `fuse:` map and the fs.fuse sysctls: values reach the kernel, FUSE bdi defaults
/// apply unless set, bad input is reported with file, line and field.</summary>
public class FuseScenarioTests
{
    [Fact]
    public void A_fuse_mount_gets_the_fuse_bdi_defaults_and_its_connection_parameters()
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal(
            "mounts:\n  - { name: root }\n  - { name: f, fs: fuse, fuse: { max_background: 20, congestion_threshold: 15, max_pages: 64, writeback_cache: false, request_timeout: 30 } }\n"
            + "sysctl:\n  fuse_default_request_timeout: 40\n  fuse_max_request_timeout: 100\n"));
        MountSpec m = WritebackParams.Mounts(c)[1];
        Assert.Equal((FsType.Fuse, true, 1, (Block.BlockDeviceParams?)null), (m.Type, m.StrictLimit, m.MaxRatioPercent, m.Device));
        Assert.Equal(new FuseMountOptions { MaxBackground = 20, CongestionThreshold = 15, MaxPages = 64, WritebackCache = false, RequestTimeoutSecs = 30 }, m.Fuse);
        FuseSysctl s = WritebackParams.FuseSysctl(c);
        Assert.Equal((40L, 100L), (s.DefaultRequestTimeoutSecs, s.MaxRequestTimeoutSecs));
    }

    [Fact]
    public void The_user_may_override_strictlimit_and_max_ratio_and_the_fuse_defaults_are_the_kernels()
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal("mounts:\n  - { name: f, fs: fuse, strictlimit: false, max_ratio: 50 }\n"));
        MountSpec m = WritebackParams.Mounts(c)[0];
        Assert.Equal((false, 50), (m.StrictLimit, m.MaxRatioPercent));
        Assert.Equal(new FuseMountOptions(), m.Fuse);
    }

    [Fact]
    public void The_resolved_scenario_of_a_fuse_mount_reads_back_the_same()
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal("mounts:\n  - { name: root }\n  - { name: f, fs: fuse, fuse: { max_pages: 8 } }\n"));
        string yaml = ScenarioWriter.WriteResolvedYaml(c);
        ScenarioConfig again = TestFiles.LoadOk(yaml);
        Assert.Equal(WritebackParams.Mounts(c), WritebackParams.Mounts(again));
    }

    [Fact]
    public void Bad_fuse_mounts_are_reported_with_their_field()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal(
            "mounts:\n  - { name: a, fs: fuse, bandwidth: 10MiB }\n  - { name: b, fs: ext4, fuse: { max_pages: 8 } }\n  - { name: c, fs: fuse, fuse: { max_pages: 300, max_background: 0 } }\n"
            + "sysctl:\n  fuse_max_request_timeout: 70000\n"));
        Assert.Contains(errors, e => e.Contains("mounts[0].bandwidth", StringComparison.Ordinal) && e.Contains("no block device", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("mounts[2].fuse.max_pages", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("mounts[2].fuse.max_background", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("mounts[1].fuse", StringComparison.Ordinal) && e.Contains("only a `fs: fuse` mount", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("sysctl.fuse_max_request_timeout", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.StartsWith("test.yaml:", e, StringComparison.Ordinal));
    }

    [Fact]
    public void A_scenario_fuse_mount_boots_with_its_connection_and_timeout()
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal(
            "mounts:\n  - { name: root }\n  - { name: f, fs: fuse, fuse: { request_timeout: 20 } }\nsysctl:\n  fuse_max_request_timeout: 16\n"));
        LinuxKernel k = LinuxKernel.Boot(KernelFromConfig.Machine(c.Machine), KernelFromConfig.Params(c), 1);
        FuseConn conn = k.FuseConnection("f")!;
        Assert.Equal(16 * MmSim.Sim.SimTime.NsPerSec, conn.RequestTimeoutNs);
        Assert.Equal("0:40", k.Fs.Find("f")!.Bdi.Name);
    }
}

/// <summary>The per-mount writeback summary carries the FUSE connection's counters.</summary>
public class FuseSummaryTests
{
    [Fact]
    public void The_writeback_summary_of_a_fuse_mount_has_its_connection_counters()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 4 });
        rig.Server(serviceNs: FuseRig.Ms);
        Mm.Filemap.CachedFile f = rig.Open("f", 8);
        rig.Writer(f, 0, 8);
        rig.Sim.Run(10 * FuseRig.Ms);
        rig.Writepages(f, WbSyncMode.All);
        rig.Sim.Run(rig.Sim.Now + (100 * FuseRig.Ms));
        IReadOnlyList<WritebackSummary> all = WritebackSummary.From(rig.Kernel);
        Assert.Null(all[0].Fuse);
        FuseSummary s = all[1].Fuse!;
        Assert.Equal((2L, 2L, 0L, 2, true), (s.Sent, s.Answered, s.Aborted, s.NumBackgroundPeak, s.Connected));
        string json = System.Text.Json.JsonSerializer.Serialize(all, RunOutput.Json);
        Assert.Contains("\"num_background_peak\": 2", json, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(json, "\"fuse\": [{n]"));
    }
}
