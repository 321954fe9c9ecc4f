using MmSim.Workloads;

namespace MmSim.Runs;

/// <summary>One workload's outcome.</summary>
/// <param name="Type">Workload type (churn, ops, …).</param>
/// <param name="Stats">Its counters.</param>
public sealed record WorkloadResult(string Type, WorkloadStats Stats);
