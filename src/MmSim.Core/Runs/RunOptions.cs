using MmSim.Scenario;
using MmSim.Workloads;

namespace MmSim.Runs;

/// <summary>How to run a scenario.</summary>
public sealed record RunOptions
{
    /// <summary>Seed; null takes the scenario's.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Run the invariant checker after every this many operations (0 = off; 1 = every operation).
    /// Timed runs also check at every time-series sample.</summary>
    public long CheckEvery { get; init; }

    /// <summary>Abandons the run when cancelled (Ctrl-C, SIGTERM): the runner throws
    /// <see cref="OperationCanceledException"/> within a few thousand operations or events. Results never depend on it.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>Called now and then with (operations done, operations total) for progress display.</summary>
    public Action<long, long>? Progress { get; init; }

    /// <summary>
    /// Builds the timed workload of a workload config, or returns null when the type is not a timed
    /// workload (churn, op scripts). Tests substitute their own.
    /// </summary>
    public Func<WorkloadConfig, ITimedWorkload?> TimedWorkloads { get; init; } = Workloads.Timed.TimedWorkloads.Create;
}
