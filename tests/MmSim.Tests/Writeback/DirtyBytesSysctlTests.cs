using MmSim.Kernel;
using MmSim.Mm.Vmstat;
using MmSim.Mm.Writeback;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Writeback;

/// <summary>
/// vm.dirty_bytes / vm.dirty_background_bytes in the scenario's sysctl section, and one computation of
/// the global dirty limits for /proc/vmstat and for balance_dirty_pages.
/// </summary>
public class DirtyBytesSysctlTests
{
    [Theory]
    [InlineData("")]
    [InlineData("sysctl:\n  dirty_ratio: 40\n  dirty_background_ratio: 5\n")]
    [InlineData("sysctl:\n  dirty_bytes: 64MiB\n  dirty_background_bytes: 16MiB\n")]
    [InlineData("sysctl:\n  dirty_bytes: 64MiB\n  dirty_background_ratio: 50\n")]
    [InlineData("sysctl:\n  dirty_ratio: 1\n  dirty_background_bytes: 512MiB\n")]
    [InlineData("sysctl:\n  dirty_bytes: 12KiB\n  dirty_background_bytes: 1 pages\n")]
    public void Proc_vmstat_and_the_throttle_give_the_same_thresholds(string sysctl)
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal(sysctl));
        LinuxKernel k = LinuxKernel.Boot(KernelFromConfig.Machine(c.Machine), KernelFromConfig.Params(c), 1);
        (long bg, long thresh) = k.DirtyThrottle.GlobalDirtyLimits();
        long[] v = ProcVmstat.Snapshot(k.Alloc.Node, WritebackParams.Sysctl(c));
        Assert.Equal(thresh, v[VmstatText.Index(VmStatItem.NrDirtyThreshold)]);
        Assert.Equal(bg, v[VmstatText.Index(VmStatItem.NrDirtyBackgroundThreshold)]);
        string text = ProcVmstat.Render(k.Alloc.Node, WritebackParams.Sysctl(c));
        Assert.Contains($"\nnr_dirty_threshold {thresh}\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nnr_dirty_background_threshold {bg}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_replace_the_ratios_in_pages_rounded_up()
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal("sysctl:\n  dirty_bytes: 12KiB\n  dirty_background_bytes: 8KiB\n"));
        Assert.Equal(12288, c.Sysctl.DirtyBytes);
        LinuxKernel k = LinuxKernel.Boot(KernelFromConfig.Machine(c.Machine), KernelFromConfig.Params(c), 1);

        // bytes / PAGE_SIZE, whatever the dirtyable memory.
        Assert.Equal((2L, 3L), k.DirtyThrottle.GlobalDirtyLimits());
        Assert.Equal((2L, 3L), GlobalDirtyLimits.Compute(k.Alloc.Node, WritebackParams.Sysctl(c)));

        // DIV_ROUND_UP(bytes, PAGE_SIZE) for a byte count the scenario cannot give (it takes whole pages).
        Assert.Equal((2L, 3L), GlobalDirtyLimits.Compute(k.Alloc.Node, new WritebackSysctl { DirtyBytes = 10001, DirtyBackgroundBytes = 4097 }));

        // bg_bytes ≥ bytes: bg_thresh = thresh / 2.
        Assert.Equal((1L, 3L), GlobalDirtyLimits.Compute(k.Alloc.Node, new WritebackSysctl { DirtyBytes = 10001, DirtyBackgroundBytes = 1L << 20 }));
    }

    [Fact]
    public void Bad_dirty_bytes_are_reported_with_their_field()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal("sysctl:\n  dirty_bytes: 4KiB\n  dirty_background_bytes: -1B\n"));
        Assert.Contains(errors, e => e.Contains("sysctl.dirty_bytes", StringComparison.Ordinal) && e.Contains("dirty_bytes_min", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("sysctl.dirty_background_bytes", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.StartsWith("test.yaml:", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Unset_bytes_are_zero_and_the_ratios_apply()
    {
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal());
        WritebackSysctl s = WritebackParams.Sysctl(c);
        Assert.Equal(0, s.DirtyBytes);
        Assert.Equal(0, s.DirtyBackgroundBytes);
        Assert.Equal(20, s.DirtyRatio);
    }
}
