namespace MmSim.Mm.PageIsolation;

/// <summary>Receiver of the page_isolation tracepoint.</summary>
/// <remarks>include/trace/events/page_isolation.h.</remarks>
public interface IPageIsolationTrace
{
    /// <summary>page_isolation:test_pages_isolated, at the end of every test_pages_isolated.</summary>
    /// <param name="startPfn">First PFN tested.</param>
    /// <param name="endPfn">One past the last PFN.</param>
    /// <param name="finPfn">Where the test stopped (≥ <paramref name="endPfn"/> on success).</param>
    void TestPagesIsolated(int startPfn, int endPfn, int finPfn);
}
