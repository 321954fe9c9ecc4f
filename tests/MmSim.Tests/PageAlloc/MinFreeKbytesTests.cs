using MmSim.Mm;
using MmSim.Mm.PageAlloc;

namespace MmSim.Tests.PageAlloc;

public class MinFreeKbytesTests
{
    // mm/page_alloc.c: calculate_min_free_kbytes = clamp(int_sqrt(lowmem_kbytes * 16), 128, 262144).
    [Theory]
    [InlineData(4L << 20, 256)]
    [InlineData(1L << 30, 4096)]
    [InlineData(16L << 30, 16384)]
    public void Without_thp_min_free_kbytes_is_int_sqrt_of_16_times_lowmem(long bytes, long expected)
    {
        var spec = new MachineSpec([new ZoneSpec(ZoneType.Normal, bytes / MmConstants.PageSize)], []);
        PageAllocator a = MmInit.Boot(spec, new PageAllocOptions { ThpEnabled = false });
        Assert.Equal(expected, a.MinFreeKbytes);
    }

    // mm/khugepaged.c: set_recommended_min_free_kbytes — 2 + 3*3 pageblocks per populated zone up
    // to Normal, in KiB: 3 zones → 16896 pages = 67584 KiB, the value a real 6.18 x86-64 VM shows.
    [Fact]
    public void With_thp_three_zones_give_67584_kbytes_as_on_a_real_6_18_machine()
    {
        long mib = 256;
        var spec = new MachineSpec(
            [new ZoneSpec(ZoneType.Dma, 16 * mib, null, mib), new ZoneSpec(ZoneType.Dma32, (3072 - 16) * mib), new ZoneSpec(ZoneType.Normal, 4096 * mib)],
            []);
        PageAllocator a = MmInit.Boot(spec, new PageAllocOptions());
        Assert.Equal(67584, a.MinFreeKbytes);
    }

    // A value given in the scenario replaces the boot-time computation (user_min_free_kbytes).
    [Fact]
    public void An_explicit_min_free_kbytes_is_kept()
    {
        var spec = new MachineSpec([new ZoneSpec(ZoneType.Normal, 1L << 18)], []);
        PageAllocator a = MmInit.Boot(spec, new PageAllocOptions { MinFreeKbytes = 65536 });
        Assert.Equal(65536, a.MinFreeKbytes);
    }
}
