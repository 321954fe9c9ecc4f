
namespace MmSim.Workloads;

/// <summary>
/// A workload that runs as one or more simulated tasks over simulated time (a process faulting in
/// anonymous memory, a slab user, a reader of files …), as opposed to the untimed allocator
/// workloads (churn, op scripts) that run to completion before time starts.
/// </summary>
public interface ITimedWorkload
{
    /// <summary>Workload type as written in the scenario (e.g. "anon").</summary>
    string Type { get; }

    /// <summary>Its counters, read by the summary.</summary>
    WorkloadStats Stats { get; }

    /// <summary>Spawns the workload's task(s) on the engine; called once at time 0.</summary>
    /// <param name="ctx">The run.</param>
    void Start(WorkloadContext ctx);

    /// <summary>Called once when the run ends, before <see cref="Stats"/> is read: closes time-based metrics (a stall still in force).</summary>
    /// <param name="nowNs">The simulated time the run ended at.</param>
    void Finish(long nowNs)
    {
    }
}
