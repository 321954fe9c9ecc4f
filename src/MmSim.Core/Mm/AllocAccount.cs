namespace MmSim.Mm;

/// <summary>
/// Where a kernel mechanism counts the allocations it makes on behalf of a caller (a process, a
/// cache): the per-workload tallies of a run, which the kernel itself does not keep.
/// </summary>
/// <remarks>Implemented by the workload layer's stats; mechanisms see only this interface, so they
/// never depend on the layer above them.</remarks>
public interface IAllocAccount
{
    /// <summary>Counts one allocation request of <paramref name="order"/> and whether it failed.</summary>
    /// <param name="order">Order requested.</param>
    /// <param name="failed">True when it failed.</param>
    void CountAlloc(int order, bool failed);

    /// <summary>Counts one block freed.</summary>
    void CountFree();

    /// <summary>Adds <paramref name="delta"/> to a named metric (e.g. <c>thp_fault_alloc</c>).</summary>
    /// <param name="name">Metric name.</param>
    /// <param name="delta">Amount.</param>
    void AddMetric(string name, long delta);
}

/// <summary>An <see cref="IAllocAccount"/> that only tallies, for allocations no workload owns (inode and dentry slabs).</summary>
public sealed class AllocTally : IAllocAccount
{
    /// <summary>Allocation requests.</summary>
    public long Allocs { get; private set; }

    /// <summary>Failed requests.</summary>
    public long AllocFailures { get; private set; }

    /// <summary>Blocks freed.</summary>
    public long Frees { get; private set; }

    /// <inheritdoc/>
    public void CountAlloc(int order, bool failed)
    {
        Allocs++;
        AllocFailures += failed ? 1 : 0;
    }

    /// <inheritdoc/>
    public void CountFree() => Frees++;

    /// <inheritdoc/>
    public void AddMetric(string name, long delta)
    {
        // Metrics belong to workloads; a tally keeps none.
    }
}
