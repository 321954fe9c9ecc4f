using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Trace;
using MmSim.Sim;
using static MmSim.Tests.Contig.ContigRig;

namespace MmSim.Tests.Contig;

/// <summary>The cma:* and page_isolation:test_pages_isolated lines, in the formats of include/trace/events.</summary>
public class CmaTraceTests
{
    [Fact]
    public void Cma_alloc_and_release_print_the_kernels_trace_lines()
    {
        LinuxKernel k = Boot(cmaPages: 4 * Pb);
        var text = new StringWriter();
        var writer = new FtraceWriter(text, () => k.Sim.Now);
        k.Cma.Trace = writer;
        k.Isolation.Trace = writer;
        SimTask t = Spawn(k, "dma", _ => k.CmaAlloc("cma0", 16, 4));
        k.Sim.Run(SimTime.NsPerSec);
        Assert.True(k.CmaRelease("cma0", k.ContextOf(t).AllocResult, 16));

        // test_pages_isolated steps over whole buddies: the order-9 block at 0x8000 ends the walk at 0x8200.
        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string page = $"{FtraceWriter.PageAddress(BlockPages):x16}";
        Assert.Equal(4, lines.Length);
        Assert.EndsWith("cma_alloc_start: name=cma0 request_count=16 available_count=2048 total_count=2048 align=4", lines[0], StringComparison.Ordinal);
        Assert.EndsWith($"test_pages_isolated: start_pfn=0x8000 end_pfn=0x8010 fin_pfn=0x8200 ret=success", lines[1], StringComparison.Ordinal);
        Assert.EndsWith($"cma_alloc_finish: name=cma0 pfn=0x8000 page={page} count=16 align=4 errorno=0", lines[2], StringComparison.Ordinal);
        Assert.EndsWith($"cma_release: name=cma0 pfn=0x8000 page={page} count=16", lines[3], StringComparison.Ordinal);
    }
}
