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

    internal static ScenarioConfig Config()
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

/// <summary>The lazily backed parts of the memory map: an all-zero frame is empty, memcg ids cost nothing until used.</summary>
public sealed class LazyMemmapTests
{
    [Fact]
    public void A_zeroed_page_frame_is_the_empty_frame()
    {
        // The memory map is never filled: a fresh array must read as no state and no list links.
        var frames = new Mm.PageFrame[2];
        Assert.Equal(-1, frames[0].Next);
        Assert.Equal(-1, frames[0].Prev);
        Assert.Equal(Mm.MigrateTypes.None, frames[0].AllocMt);
        Assert.Equal(0, frames[0].Order);
        Assert.Equal(0u, frames[0].Flags);

        frames[1].Next = 5;
        frames[1].Prev = -1;
        frames[1].AllocMt = 0;
        Assert.Equal((5, -1, (byte)0), (frames[1].Next, frames[1].Prev, frames[1].AllocMt));
        frames[1].AllocMt = Mm.MigrateTypes.None;
        frames[1].Next = -1;
        Assert.Equal(Mm.PageFrame.Empty, frames[1]);

        // Pack builds the same word as setting each field (the allocator's one-store path).
        Assert.Equal(0u, Mm.PageFrame.Pack(0, Mm.MigrateTypes.None, 0, 0));
        var packed = new Mm.PageFrame { Flags = Mm.PageFrame.Pack(3, 1, Mm.OwnerKind.Anon, Mm.PageFlags.Allocated) };
        Assert.Equal((3, (byte)1, Mm.OwnerKind.Anon, true), (packed.Order, packed.AllocMt, packed.OwnerKind, packed.Has(Mm.PageFlags.Allocated)));
    }

    [Fact]
    public void Memcg_ids_are_allocated_by_the_first_charge_below_the_root()
    {
        ScenarioConfig config = MemmapFootprintTests.Config();
        LinuxKernel k = LinuxKernel.Boot(KernelFromConfig.Machine(config.Machine), KernelFromConfig.Params(config), 1);
        int n = k.Node.NodeSpannedPages;
        Mm.PageAlloc.FolioMemcgIds ids = k.Node.FolioMemcg;
        long before = k.Node.MemmapBytes;

        ids[100] = 0; // uncharging or charging to the root writes 0: nothing to store
        Assert.Equal((0L, (ushort)0), (ids.AllocatedBytes, ids[100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ids[n]);

        ids[100] = 3;
        Assert.Equal((2L * n, (ushort)3, (ushort)0), (ids.AllocatedBytes, ids[100], ids[101]));
        Assert.Equal(before + (2L * n), k.Node.MemmapBytes);
        Assert.Throws<IndexOutOfRangeException>(() => ids[n]);
    }
}
