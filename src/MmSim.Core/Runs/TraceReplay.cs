// mmsim replay (issue 11): an op script run on a machine, its end state read as /proc files.
using MmSim.Mm.Vmstat;
using MmSim.Scenario;
using MmSim.Workloads;

namespace MmSim.Runs;

/// <summary>The end state of a replay.</summary>
/// <param name="Buddyinfo">/proc/buddyinfo after the script.</param>
/// <param name="Pagetypeinfo">/proc/pagetypeinfo after the script (with the mixed-block table when the scenario has page_owner on).</param>
/// <param name="Stats">What the script did: allocations, failures, frees, ignored frees.</param>
public sealed record TraceReplayResult(string Buddyinfo, string Pagetypeinfo, WorkloadStats Stats);

/// <summary>Runs an op script alone on a scenario's machine and kernel, as the scenario's only workload.</summary>
public static class TraceReplay
{
    /// <summary>Boots <paramref name="machine"/>'s machine and kernel, replays the script and renders the end state.</summary>
    /// <param name="machine">A scenario: its machine, kernel and sysctls are used, its workloads are not.</param>
    /// <param name="scriptFile">The script's path (for messages and the workload's name).</param>
    /// <param name="script">The parsed script.</param>
    /// <param name="options">Seed, checks, cancellation.</param>
    /// <returns>The files and counts.</returns>
    public static TraceReplayResult Run(ScenarioConfig machine, string scriptFile, OpScript script, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(script);
        ScenarioConfig config = machine with { Workloads = new ValueList<WorkloadConfig>([new OpsWorkloadConfig(scriptFile, script)]) };
        var runner = new ScenarioRunner(config, options);
        IReadOnlyList<WorkloadResult> results = runner.Run();
        var node = runner.Allocator!.Node;
        return new TraceReplayResult(ProcBuddyinfo.Render(node), ProcPagetypeinfo.Render(node, config.Kernel.PageOwner), results[0].Stats);
    }
}
