namespace MmSim.Scenario;

/// <summary>
/// Base of every resolved workload (<c>workloads[]</c>). Each workload type in
/// <c>Scenario/Workloads/</c> derives its own record with typed parameters.
/// </summary>
public abstract record WorkloadConfig
{
    /// <summary>The <c>type</c> the workload was declared with, e.g. <c>churn</c>.</summary>
    public abstract string Type { get; }

    /// <summary>memcg: name of the cgroup (<c>cgroups.groups[]</c>) the workload's tasks are charged to (<c>cgroup</c>); null for the root.</summary>
    public string? Cgroup { get; init; }
}

/// <summary>Weight of a buddy order in a random choice of allocation sizes.</summary>
/// <param name="Order">Buddy order, 0..MAX_PAGE_ORDER.</param>
/// <param name="Weight">Relative weight, 0 or more.</param>
public readonly record struct OrderWeight(int Order, long Weight);

/// <summary>Weight of a GFP mask in a random choice of allocation flags.</summary>
/// <param name="Expression">The mask as written, e.g. <c>GFP_KERNEL|__GFP_RECLAIMABLE</c>.</param>
/// <param name="Mask">The parsed mask (<see cref="GfpNames"/>).</param>
/// <param name="Weight">Relative weight, 0 or more.</param>
public readonly record struct GfpWeight(string Expression, uint Mask, long Weight);
