namespace MmSim.Workloads;

/// <summary>What an allocator workload did: the counts a summary reports.</summary>
public sealed class WorkloadStats : Mm.IAllocAccount
{
    // A workload records a handful of named results; a list keeps them in first-recorded order.
    private const int MetricsMax = 64;

    private readonly List<WorkloadMetric> metrics = [];
    private int lastFound;

    /// <summary>Allocation requests.</summary>
    public long Allocs { get; internal set; }

    /// <summary>Allocation requests that failed (counted, not fatal).</summary>
    public long AllocFailures { get; internal set; }

    /// <summary>Blocks freed.</summary>
    public long Frees { get; internal set; }

    /// <summary>Frees of IDs that were not live (never allocated, failed, or already freed): counted and ignored.</summary>
    public long FreesIgnored { get; internal set; }

    /// <summary>Allocation requests per order (successful or not).</summary>
    public long[] AllocsByOrder { get; } = new long[Mm.MmConstants.NrPageOrders];

    /// <summary>Allocation failures per order.</summary>
    public long[] AllocFailuresByOrder { get; } = new long[Mm.MmConstants.NrPageOrders];

    /// <summary>
    /// Results particular to the workload type (e.g. <c>hugepages_allocated</c> of <c>compaction_test</c>),
    /// in the order they were first recorded, so a summary lists them the same way in every run.
    /// </summary>
    public IReadOnlyList<WorkloadMetric> Metrics => metrics;

    /// <summary>Per-step outcomes of a <c>steps</c> workload, in script order (empty for other workloads).</summary>
    public List<StepOutcome> Outcomes { get; } = [];

    /// <summary>The value of a metric, or 0 when it was never recorded.</summary>
    /// <param name="name">Metric name.</param>
    /// <returns>Its value.</returns>
    public long Metric(string name)
    {
        int i = IndexOf(name);
        return i < 0 ? 0 : metrics[i].Value;
    }

    /// <inheritdoc/>
    public void CountAlloc(int order, bool failed)
    {
        Allocs++;
        AllocsByOrder[order]++;
        if (failed)
        {
            AllocFailures++;
            AllocFailuresByOrder[order]++;
        }
    }

    /// <inheritdoc/>
    public void CountFree() => Frees++;

    /// <summary>Sets a metric (records it first if new).</summary>
    internal void SetMetric(string name, long value)
    {
        int i = IndexOf(name);
        if (i >= 0)
        {
            metrics[i] = metrics[i] with { Value = value };
            return;
        }

        Append(name, value);
    }

    /// <summary>Adds to a metric (records it first if new).</summary>
    public void AddMetric(string name, long delta)
    {
        int i = IndexOf(name);
        if (i >= 0)
        {
            metrics[i] = metrics[i] with { Value = metrics[i].Value + delta };
            return;
        }

        Append(name, delta);
    }

    private void Append(string name, long value)
    {
        if (metrics.Count >= MetricsMax)
        {
            throw new InvalidOperationException($"more than {MetricsMax} metrics in one workload; '{name}' is one too many");
        }

        metrics.Add(new WorkloadMetric(name, value));
    }

    private int IndexOf(string name)
    {
        // Callers pass their metric-name constants, so the metric found last is usually the one asked for
        // again (a THP fault, a write): one reference comparison instead of string compares down the list.
        if (lastFound < metrics.Count && ReferenceEquals(metrics[lastFound].Name, name))
        {
            return lastFound;
        }

        for (int i = 0; i < metrics.Count; i++)
        {
            if (string.Equals(metrics[i].Name, name, StringComparison.Ordinal))
            {
                lastFound = i;
                return i;
            }
        }

        return -1;
    }
}

/// <summary>One named result of a workload.</summary>
/// <param name="Name">Name in vmstat style, e.g. <c>hugepages_allocated</c>.</param>
/// <param name="Value">The value (a count of pages, huge pages, events …; the name says which).</param>
public readonly record struct WorkloadMetric(string Name, long Value);
