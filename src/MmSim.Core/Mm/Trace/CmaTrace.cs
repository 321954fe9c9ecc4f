using MmSim.Mm.Cma;
using MmSim.Mm.PageIsolation;

namespace MmSim.Mm.Trace;

/// <summary>The cma and page_isolation tracepoints as /sys/kernel/tracing/trace lines.</summary>
/// <remarks>include/trace/events/cma.h and page_isolation.h; page=%p as the kmem lines print it (vmemmap
/// address, NULL as 0000000000000000).</remarks>
public sealed partial class FtraceWriter : ICmaTrace, IPageIsolationTrace
{
    /// <inheritdoc/>
    /// <remarks>cma:cma_alloc_start: "name=%s request_count=%lu available_count=%lu total_count=%lu align=%u".</remarks>
    public void CmaAllocStart(string name, long requestCount, long availableCount, long totalCount, int align)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "cma_alloc_start");
        line.Append("name=");
        line.Append(name);
        line.Append(" request_count=");
        line.Append(requestCount);
        line.Append(" available_count=");
        line.Append(availableCount);
        line.Append(" total_count=");
        line.Append(totalCount);
        line.Append(" align=");
        line.Append(align);
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>cma:cma_alloc_busy_retry: "name=%s pfn=0x%lx page=%p count=%lu align=%u".</remarks>
    public void CmaAllocBusyRetry(string name, int pfn, long count, int align)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "cma_alloc_busy_retry");
        CmaNamePfnPage(ref line, name, pfn);
        line.Append(" count=");
        line.Append(count);
        line.Append(" align=");
        line.Append(align);
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>cma:cma_alloc_finish: "name=%s pfn=0x%lx page=%p count=%lu align=%u errorno=%d".</remarks>
    public void CmaAllocFinish(string name, int pfn, long count, int align, int errorno)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "cma_alloc_finish");
        CmaNamePfnPage(ref line, name, pfn);
        line.Append(" count=");
        line.Append(count);
        line.Append(" align=");
        line.Append(align);
        line.Append(" errorno=");
        line.Append(errorno);
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>cma:cma_release: "name=%s pfn=0x%lx page=%p count=%lu".</remarks>
    public void CmaRelease(string name, int pfn, long count)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "cma_release");
        CmaNamePfnPage(ref line, name, pfn);
        line.Append(" count=");
        line.Append(count);
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>page_isolation:test_pages_isolated: "start_pfn=0x%lx end_pfn=0x%lx fin_pfn=0x%lx ret=%s",
    /// ret "success" when end_pfn &lt;= fin_pfn. Fired after the zone lock is dropped.</remarks>
    public void TestPagesIsolated(int startPfn, int endPfn, int finPfn)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "test_pages_isolated");
        line.Append("start_pfn=0x");
        line.AppendHex((ulong)startPfn, pointerWidth: false);
        line.Append(" end_pfn=0x");
        line.AppendHex((ulong)endPfn, pointerWidth: false);
        line.Append(" fin_pfn=0x");
        line.AppendHex((ulong)finPfn, pointerWidth: false);
        line.Append(endPfn <= finPfn ? " ret=success" : " ret=fail");
        Flush(ref line);
    }

    // "name=%s pfn=0x%lx page=%p": a failed allocation has pfn 0 and the NULL page.
    private static void CmaNamePfnPage(ref Line line, string name, int pfn)
    {
        line.Append("name=");
        line.Append(name);
        line.Append(" pfn=0x");
        line.AppendHex(pfn < 0 ? 0 : (ulong)pfn, pointerWidth: false);
        line.Append(" page=");
        line.AppendHex(pfn < 0 ? 0 : PageAddress(pfn), pointerWidth: true);
    }
}
