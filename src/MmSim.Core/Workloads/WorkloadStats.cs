namespace MmSim.Workloads;

/// <summary>What an allocator workload did: the counts a summary reports.</summary>
public sealed class WorkloadStats
{
    /// <summary>Allocation requests.</summary>
    public long Allocs { get; internal set; }

    /// <summary>Allocation requests that failed (counted, not fatal).</summary>
    public long AllocFailures { get; internal set; }

    /// <summary>Blocks freed.</summary>
    public long Frees { get; internal set; }

    /// <summary>Frees of IDs that were not live (never allocated, failed, or already freed): counted and ignored.</summary>
    public long FreesIgnored { get; internal set; }

    /// <summary>Allocation failures per order.</summary>
    public long[] AllocFailuresByOrder { get; } = new long[Mm.MmConstants.NrPageOrders];
}
