using MmSim.Mm.Filemap;
using MmSim.Mm.Stat;
using MmSim.Scenario;
using MmSim.Tests.Workloads;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Filemap;

/// <summary>The <c>pagecache</c> reader's <c>read_size</c>: loading, checking, and reads of many pages per call.</summary>
public class ReaderWorkloadTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void Read_size_loads_in_bytes_and_defaults_to_a_page()
    {
        string files = "    files:\n      - { name: a, size: 4MiB }\n    read_rate: 10/s\n";
        var one = Assert.IsType<PageCacheWorkloadConfig>(LoadOk(Minimal("workloads:\n  - type: pagecache\n" + files)).Workloads[0]);
        var big = Assert.IsType<PageCacheWorkloadConfig>(LoadOk(Minimal("workloads:\n  - type: pagecache\n" + files + "    read_size: 128KiB\n")).Workloads[0]);
        Assert.Equal((4096L, 131072L), (one.ReadSizeBytes, big.ReadSizeBytes));
    }

    [Fact]
    public void A_bad_read_size_is_reported_with_its_position()
    {
        string files = "    files:\n      - { name: a, size: 4MiB }\n    read_rate: 10/s\n";
        string[] errors = Errors(Minimal("workloads:\n  - type: pagecache\n" + files + "    read_size: 6KiB\n  - type: pagecache\n" + files + "    read_size: 1GiB\n"));
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("test.yaml:11:16: workloads[0].read_size: 6KiB is not a multiple of the page size", errors[0]);
        Assert.StartsWith("test.yaml:16:16: workloads[1].read_size:", errors[1]);
    }

    [Fact]
    public void A_sequential_reader_of_64KiB_calls_caches_its_files_through_readahead()
    {
        string yaml = TimedHarness.Machine() + "workloads:\n  - type: pagecache\n    files:\n      - { name: a, size: 4MiB }\n      - { name: b, size: 6MiB }\n    read_rate: 1000/s\n    read_size: 64KiB\n";
        var h = TimedHarness.Start(yaml);
        h.RunUntil(500 * Ms);

        // 2560 pages in 16-page calls: ~160 calls cover both files once.
        Assert.Equal(2560, h.VmStat(NodeStatItem.NrFilePages));
        Assert.Equal(2560, h.Workloads[0].Stats.Allocs);
        foreach (CachedFile f in h.Kernel.PageCache.Files)
        {
            Assert.Equal(f.NrPages, f.NrCached);
            Assert.Equal(FileRaState.DefaultRaPages, f.Ra.Size);
        }

        h.Verify("64KiB reader");
    }
}
