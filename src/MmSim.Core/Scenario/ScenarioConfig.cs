namespace MmSim.Scenario;

/// <summary>
/// A scenario with every default applied (the resolved configuration): what a run needs to
/// be reproduced exactly, and what <see cref="ScenarioWriter.WriteResolvedYaml"/> writes.
/// Records with value equality: two loads of equivalent files compare equal.
/// </summary>
/// <param name="Version">Schema version of the file; always 1.</param>
/// <param name="Name">Scenario name for reports (default: the file name without extension).</param>
/// <param name="Description">Free text for reports.</param>
/// <param name="Seed">Root seed of the run's PRNG streams (<c>seed</c>).</param>
/// <param name="Seeds">How many seeds (<see cref="Seed"/>, <see cref="Seed"/>+1, …) comparisons run (<c>seeds</c>).</param>
/// <param name="DurationNs">Simulated time to run, in ns (<c>duration</c>).</param>
/// <param name="SamplingIntervalNs">Simulated time between counter samples, in ns (<c>sampling_interval</c>); at most <see cref="DurationNs"/>.</param>
/// <param name="Kernel">Kernel release and behaviour switches (<c>kernel</c>).</param>
/// <param name="Machine">Zones, CMA areas, nodes, CPUs (<c>machine</c>).</param>
/// <param name="Sysctl">vm and hung-task sysctls (<c>sysctl</c>).</param>
/// <param name="Workloads">Workloads in file order (<c>workloads</c>).</param>
/// <param name="Policy">Design/policy switches by name, sorted by name (<c>policy</c>); validated by later components.</param>
/// <param name="Cgroups">memcg: the memory cgroups (<c>cgroups</c>); <see cref="CgroupsConfig.None"/> when absent.</param>
/// <param name="Swap">The swap device (<c>swap</c>); null or size 0: none.</param>
/// <param name="Mounts">Filesystems with their devices and bdi settings (writeback, issue 8); null or empty: one default ext4 mount.</param>
public sealed record ScenarioConfig(
    int Version,
    string Name,
    string Description,
    ulong Seed,
    int Seeds,
    long DurationNs,
    long SamplingIntervalNs,
    KernelConfig Kernel,
    MachineConfig Machine,
    SysctlConfig Sysctl,
    ValueList<WorkloadConfig> Workloads,
    ValueList<PolicySwitch> Policy,
    CgroupsConfig? Cgroups = null, // memcg
    SwapConfig? Swap = null,
    ValueList<MountConfig>? Mounts = null); // writeback (issue 8): null or empty means one default ext4 mount

/// <summary>One entry of the scenario's <c>policy</c> map.</summary>
/// <param name="Name">Switch name as written.</param>
/// <param name="Value">Value as written (scalar text).</param>
public sealed record PolicySwitch(string Name, string Value);
