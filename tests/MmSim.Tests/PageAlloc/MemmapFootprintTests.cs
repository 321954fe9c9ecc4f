using MmSim.Kernel;
using MmSim.Runs;
using MmSim.Scenario;

namespace MmSim.Tests.PageAlloc;

/// <summary>
/// Issue 11 item 3: the model costs at most 24 bytes of host memory per simulated page, so a 1 TiB machine
/// (2^28 pages) fits in 6 GiB. Measured on a 4 GiB machine so the test stays fast.
/// </summary>
public sealed class MemmapFootprintTests
{
    private const double BudgetBytesPerPage = 24;

    // allocator-churn's x86-64 layout shrunk to 4 GiB: DMA, DMA32 to 3 GiB, Normal above the PCI hole, a CMA area.
    private const string Scenario = """
        version: 1
        name: footprint
        machine:
          zones:
            - { name: DMA, size: 16MiB, reserved: 1MiB }
            - { name: DMA32, size: 3056MiB }
            - { name: Normal, start_pfn: 0x100000, size: 1GiB }
          cma:
            - { name: reserved, size: 256MiB }
        workloads:
          - { type: churn, ops: 1 }
        """;

    private static ScenarioConfig Config()
    {
        LoadResult r = ScenarioLoader.LoadFromString(Scenario, "footprint.yaml");
        Assert.True(r.Success, string.Join("; ", r.Errors));
        return r.Config!;
    }

    [Fact]
    public void The_node_arrays_stay_within_24_bytes_per_page()
    {
        ScenarioConfig config = Config();
        LinuxKernel k = LinuxKernel.Boot(KernelFromConfig.Machine(config.Machine), KernelFromConfig.Params(config), 1);

        Assert.Equal(5L << 18, k.Node.NodeSpannedPages); // 5 GiB spanned: the PCI hole is spanned but not present
        Assert.InRange(k.Node.MemmapBytesPerPage, 16, BudgetBytesPerPage); // at least struct page itself
    }

    [Fact]
    public void Everything_boot_allocates_stays_within_24_bytes_per_page()
    {
        // Counts every managed allocation of the boot (this thread does all of it), so a per-page array added
        // anywhere in the kernel, not only the ones MemmapBytes knows, fails here.
        ScenarioConfig config = Config();
        var machine = KernelFromConfig.Machine(config.Machine);
        KernelParams p = KernelFromConfig.Params(config);
        long before = GC.GetAllocatedBytesForCurrentThread();
        LinuxKernel k = LinuxKernel.Boot(machine, p, 1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        double perPage = (double)allocated / k.Node.NodeSpannedPages;
        Assert.True(perPage <= BudgetBytesPerPage, $"boot allocated {allocated:N0} bytes, {perPage:F2} per page (budget {BudgetBytesPerPage})");
        Assert.True(allocated >= k.Node.MemmapBytes, "MemmapBytes counts more than boot allocated: it names an array that is not there");
    }
}
