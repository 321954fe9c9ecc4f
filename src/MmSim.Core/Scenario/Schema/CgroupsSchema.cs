using MmSim.Mm.Memcontrol;

namespace MmSim.Scenario;

/// <summary>Declaration of the <c>cgroups</c> section and <c>cgroups.groups[]</c>, bound to <see cref="CgroupsConfig"/>.</summary>
internal static class CgroupsSchema
{
    private static readonly string[] Versions = ["v2", "v1"];

    public static SectionDecl Group { get; } = new(
        "cgroups.groups[]",
        "One memory cgroup. Workloads name it in their `cgroup` field; a parent is declared before its children. "
        + "v2 takes `max`, `high`, `low`, `min`; v1 takes `limit_in_bytes`. An absent limit is `max` (none).",
        [
            new()
            {
                Name = "name", Kind = FieldKind.String, Required = true,
                Check = v => ((string)v).Length == 0 || ((string)v).Contains('/', StringComparison.Ordinal) ? $"'{v}' is not a cgroup name (a non-empty directory name without '/')" : null,
                Doc = "the cgroup's directory name, unique in the scenario",
                Get = FieldDecl.Of<CgroupConfig>(c => c.Name),
            },
            new()
            {
                Name = "parent", Kind = FieldKind.String, DefaultDoc = "the root cgroup",
                Doc = "name of the parent cgroup, declared above this one",
                Get = FieldDecl.Of<CgroupConfig>(c => c.Parent),
            },
            Size("max", "memory.max (v2): the hard limit; a charge over it reclaims, then invokes the memcg OOM killer", c => c.MaxBytes),
            Size("limit_in_bytes", "memory.limit_in_bytes (v1): the hard limit", c => c.LimitInBytes),
            Size("high", "memory.high (v2): above it, charging tasks reclaim and are throttled on return to user space", c => c.HighBytes),
            Size("low", "memory.low (v2): best-effort protection from reclaim", c => c.LowBytes),
            Size("min", "memory.min (v2): hard protection from reclaim", c => c.MinBytes),
        ],
        BindGroup);

    public static SectionDecl Decl { get; } = new(
        "cgroups",
        "Memory cgroups (mm/memcontrol.c): the hierarchy and its groups. Tasks of a workload with `cgroup: NAME` are charged to it; "
        + "every other task stays in the root cgroup, which has no limit.",
        [
            new()
            {
                Name = "version", Kind = FieldKind.Choice, Choices = Versions, Default = "v2",
                Doc = "the hierarchy: `v2` (unified, memory.max/high) or `v1` (legacy memory controller, memory.limit_in_bytes)",
                Get = FieldDecl.Of<CgroupsConfig>(c => c.Version == CgroupVersion.V1 ? "v1" : "v2"),
            },
            new()
            {
                Name = "groups", Kind = FieldKind.SectionList, Section = Group, DefaultDoc = "none",
                Doc = "the cgroups, parents first",
                Get = FieldDecl.Of<CgroupsConfig>(c => c.Groups),
            },
        ],
        Bind)
    {
        Check = Check,
    };

    private static FieldDecl Size(string name, string doc, Func<CgroupConfig, long?> get) => new()
    {
        Name = name, Kind = FieldKind.Size, Min = Units.PageSizeBytes, Max = MachineConfig.TotalBytesMax, DefaultDoc = "max (no limit)",
        Doc = doc,
        Get = FieldDecl.Of<CgroupConfig>(c => get(c)),
    };

    private static CgroupConfig BindGroup(FieldValues v, LoadContext ctx) => new(
        v.Get<string>("name"),
        v.Raw("parent") as string,
        v.Raw("max") as long?,
        v.Raw("limit_in_bytes") as long?,
        v.Raw("high") as long?,
        v.Raw("low") as long?,
        v.Raw("min") as long?);

    private static CgroupsConfig Bind(FieldValues v, LoadContext ctx) =>
        new(v.Get<string>("version") == "v1" ? CgroupVersion.V1 : CgroupVersion.V2, v.List<CgroupConfig>("groups"));

    // Names unique, parents declared first, and each hierarchy's own files.
    private static void Check(FieldValues v, LoadContext ctx)
    {
        if (!v.TryGet("version", out string? version) || !v.TryGet<IReadOnlyList<object>>("groups", out var items))
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            var g = (CgroupConfig)items[i];
            string path = v.PathOf("groups") + $"[{i}]";
            Mark at = v.MarkOf("groups");
            if (g.Parent is string parent && !seen.Contains(parent))
            {
                ctx.Error(at, YamlTree.Join(path, "parent"), $"cgroup '{parent}' is not declared above '{g.Name}'");
            }

            if (!seen.Add(g.Name))
            {
                ctx.Error(at, YamlTree.Join(path, "name"), $"cgroup '{g.Name}' is declared twice");
            }

            if (version == "v1")
            {
                foreach ((string field, long? value) in new[] { ("max", g.MaxBytes), ("high", g.HighBytes), ("low", g.LowBytes), ("min", g.MinBytes) })
                {
                    if (value is not null)
                    {
                        ctx.Error(at, YamlTree.Join(path, field), $"'{field}' is a cgroup v2 file; with version v1 the limit is 'limit_in_bytes'");
                    }
                }
            }
            else if (g.LimitInBytes is not null)
            {
                ctx.Error(at, YamlTree.Join(path, "limit_in_bytes"), "'limit_in_bytes' is a cgroup v1 file; with version v2 the limit is 'max'");
            }
        }
    }
}
