using MmSim.Mm.Memcontrol;

namespace MmSim.Scenario;

/// <summary>The memory cgroups a run mounts (<c>cgroups</c> section): the hierarchy and its groups.</summary>
/// <param name="Version">The hierarchy: v2 (unified, the 6.18 default) or v1 (legacy memory controller).</param>
/// <param name="Groups">The cgroups in file order; a parent comes before its children.</param>
public sealed record CgroupsConfig(CgroupVersion Version, ValueList<CgroupConfig> Groups)
{
    /// <summary>No cgroups: every task stays in the root cgroup.</summary>
    public static CgroupsConfig None { get; } = new(CgroupVersion.V2, ValueList<CgroupConfig>.Empty);

    /// <summary>The path of the cgroup named <paramref name="name"/> below the root ("/parent/name"), or null when none is declared.</summary>
    /// <param name="name">A cgroup name.</param>
    /// <returns>Its path.</returns>
    public string? PathOf(string name)
    {
        CgroupConfig? g = Groups.FirstOrDefault(c => c.Name == name);
        return g is null ? null : (g.Parent is string p ? PathOf(p) : string.Empty) + "/" + g.Name;
    }
}

/// <summary>One memory cgroup (<c>cgroups.groups[]</c>). Limits are in bytes; null is "max" (no limit).</summary>
/// <param name="Name">Name, unique in the scenario (a directory name: no '/').</param>
/// <param name="Parent">Name of the parent cgroup, null for a child of the root.</param>
/// <param name="MaxBytes">memory.max (v2 only).</param>
/// <param name="LimitInBytes">memory.limit_in_bytes (v1 only).</param>
/// <param name="HighBytes">memory.high (v2 only).</param>
/// <param name="LowBytes">memory.low (v2 only).</param>
/// <param name="MinBytes">memory.min (v2 only).</param>
public sealed record CgroupConfig(string Name, string? Parent, long? MaxBytes, long? LimitInBytes, long? HighBytes, long? LowBytes, long? MinBytes)
{
    /// <summary>The hard limit whichever hierarchy names it, null for none.</summary>
    public long? HardLimitBytes => MaxBytes ?? LimitInBytes;
}
