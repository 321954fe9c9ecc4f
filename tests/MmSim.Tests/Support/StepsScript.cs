using MmSim.Kernel;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;
using MmSim.Workloads.Timed;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Support;

/// <summary>Starts a steps script, loaded from YAML, on a kernel that is already running (the FUSE outcome and step rigs).</summary>
internal static class StepsScript
{
    /// <summary>Loads <paramref name="steps"/> (YAML list items under `steps:`, each indented six spaces) and starts it now.</summary>
    /// <param name="kernel">The running kernel.</param>
    /// <param name="machineYaml">The `machine:` body the rig's kernel was booted with.</param>
    /// <param name="steps">The steps.</param>
    /// <returns>The started workload, for its outcomes.</returns>
    public static StepsWorkload Start(LinuxKernel kernel, string machineYaml, string steps)
    {
        ScenarioConfig c = LoadOk($"version: 1\nduration: 60s\nmachine:\n{machineYaml}workloads:\n  - type: steps\n    steps:\n{steps}");
        var w = (StepsWorkload)TimedWorkloads.Create(c.Workloads[0])!;
        w.Start(new WorkloadContext(kernel, new Prng(7)));
        return w;
    }
}
