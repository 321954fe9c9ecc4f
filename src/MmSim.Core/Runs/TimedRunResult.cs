using MmSim.Kernel;
using MmSim.Sim;

namespace MmSim.Runs;

/// <summary>The outcome of a run's engine phase.</summary>
/// <param name="DurationNs">Simulated time at the end (the scenario's duration unless the run went idle).</param>
/// <param name="StopReason">Why the engine stopped.</param>
/// <param name="EventsProcessed">Engine events dispatched (for timing.json: a deterministic count, reported beside wall time).</param>
/// <param name="WallSeconds">Wall-clock time of the engine phase (timing.json only).</param>
/// <param name="Daemons">The kernel daemons, with their counters and the hang and deadlock reports.</param>
public sealed record TimedRunResult(long DurationNs, RunStopReason StopReason, long EventsProcessed, double WallSeconds, KernelDaemons Daemons);
