namespace MmSim.Workloads.Timed;

/// <summary>
/// The fsync metrics a writer workload reports: calls, total latency and the longest one. The maximum is
/// kept as a running metric (added as increments), so summed per-workload metrics stay a maximum.
/// </summary>
/// <param name="stats">Where the metrics go.</param>
internal sealed class FsyncLatency(WorkloadStats stats)
{
    /// <summary>Metric: fsync calls completed.</summary>
    public const string Fsyncs = "fsyncs";

    /// <summary>Metric: total fsync latency, ns (mean = fsync_ns_total / fsyncs).</summary>
    public const string FsyncNsTotal = "fsync_ns_total";

    /// <summary>Metric: longest fsync, ns.</summary>
    public const string FsyncNsMax = "fsync_ns_max";

    private long max;

    /// <summary>Records one fsync that took <paramref name="tookNs"/>.</summary>
    /// <param name="tookNs">Its latency, ns.</param>
    public void Record(long tookNs)
    {
        stats.AddMetric(Fsyncs, 1);
        stats.AddMetric(FsyncNsTotal, tookNs);
        if (tookNs > max)
        {
            stats.AddMetric(FsyncNsMax, tookNs - max);
            max = tookNs;
        }
    }
}
