using MmSim.Kernel;
using MmSim.Runs;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Scenario;

/// <summary>The memory-block size and the proposed offline timeout reach the kernel from a scenario, and bad values are refused at load.</summary>
public class OfflineSettingsTests
{
    private const string Machine = "machine:\n  zones:\n    - name: Normal\n      size: 1GiB\n";

    [Fact]
    public void Defaults_are_mainline_128MiB_blocks_and_no_offline_timeout()
    {
        KernelParams p = KernelFromConfig.Params(LoadOk("version: 1\n" + Machine));
        Assert.Equal((128L << 20, (long?)null), (p.MemoryBlockSizeBytes, p.OfflineTimeoutNs));
    }

    [Fact]
    public void Memory_block_size_and_offline_timeout_secs_reach_the_kernel()
    {
        KernelParams p = KernelFromConfig.Params(LoadOk("version: 1\n" + Machine + "  memory_block_size: 256MiB\nsysctl:\n  offline_timeout_secs: 30\n"));
        Assert.Equal((256L << 20, (long?)30_000_000_000), (p.MemoryBlockSizeBytes, p.OfflineTimeoutNs));
    }

    [Fact]
    public void A_memory_block_size_that_is_not_a_power_of_two_is_refused_with_its_position()
    {
        string error = Assert.Single(Errors("version: 1\n" + Machine + "  memory_block_size: 192MiB\n"));
        Assert.StartsWith("test.yaml:6:", error, StringComparison.Ordinal);
        Assert.Contains("machine.memory_block_size", error, StringComparison.Ordinal);
        Assert.Contains("power of two", error, StringComparison.Ordinal);
    }
}
