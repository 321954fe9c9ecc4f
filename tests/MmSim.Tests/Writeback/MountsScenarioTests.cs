using MmSim.Fs;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Writeback;

/// <summary>The scenario's <c>mounts</c> section and the <c>filewrite</c> workload: values reach the kernel, bad input is reported with file, line and field.</summary>
public class MountsScenarioTests
{
    [Fact]
    public void Mounts_reach_the_kernel_parameters()
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal(
            "mounts:\n  - { name: data, fs: xfs, latency: 2ms, bandwidth: 10MiB, queue_depth: 4, nr_requests: 8, strictlimit: true, max_ratio: 5, fault: stall, stall_from: 1s, stall_until: 2s }\n  - { name: t, fs: tmpfs }\n"));
        IReadOnlyList<MountSpec> mounts = WritebackParams.Mounts(c);
        Assert.Equal(2, mounts.Count);
        MountSpec m = mounts[0];
        Assert.Equal(FsType.Xfs, m.Type);
        Assert.True(m.StrictLimit);
        Assert.Equal(5, m.MaxRatioPercent);
        Assert.True(m.UsesLargeFolios);
        Assert.Equal("sda", m.Device!.Name);
        Assert.Equal(2_000_000, m.Device.LatencyNs);
        Assert.Equal(10L << 20, m.Device.BandwidthBytesPerSec);
        Assert.Equal(1_000_000_000, m.Device.StallFromNs);
        Assert.Equal(2_000_000_000, m.Device.StallUntilNs);
        Assert.Equal(FsType.Tmpfs, mounts[1].Type);
        Assert.False(mounts[1].UsesLargeFolios);
    }

    [Fact]
    public void Scenarios_without_mounts_keep_one_default_ext4_mount()
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal());
        Assert.Empty(WritebackParams.Mounts(c));
        Assert.True(MountSpec.Default.UsesLargeFolios);
    }

    [Fact]
    public void Bad_mounts_are_reported_with_their_field()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal(
            "mounts:\n  - { name: a, queue_depth: 8, nr_requests: 4 }\n  - { name: a, fs: btrfs, min_ratio: 50, max_ratio: 10 }\n"));
        Assert.Contains(errors, e => e.Contains("mounts[0].nr_requests", StringComparison.Ordinal) && e.Contains("below queue_depth", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("mounts[1].fs", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.StartsWith("test.yaml:", e, StringComparison.Ordinal));
    }

    [Fact]
    public void A_filewrite_naming_an_unknown_mount_is_an_error()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal(
            "mounts:\n  - { name: data }\nworkloads:\n  - { type: filewrite, file: f, size: 1MiB, rate: 10/s, mount: nope }\n"));
        Assert.Contains(errors, e => e.Contains("mount 'nope'", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_mount_names_are_an_error()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal("mounts:\n  - { name: d }\n  - { name: d }\n"));
        Assert.Contains(errors, e => e.Contains("used twice", StringComparison.Ordinal));
    }
}
