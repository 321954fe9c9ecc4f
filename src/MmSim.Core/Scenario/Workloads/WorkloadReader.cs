using MmSim.Kernel;

namespace MmSim.Scenario;

/// <summary>Reads <c>workloads</c>: each item's <c>type</c> picks its declaration from the <see cref="WorkloadRegistry"/>.</summary>
internal static class WorkloadReader
{
    private const int WorkloadsMax = 256;

    public static bool TryRead(YNode node, LoadContext ctx, out object? value)
    {
        value = null;
        if (node is not YSequence list)
        {
            ctx.Error(node.Start, node.Path, $"expected a list of workloads (each '- type: …'), got {node.KindName}");
            return false;
        }

        if (list.Items.Count > WorkloadsMax)
        {
            ctx.Error(node.Start, node.Path, $"more than {WorkloadsMax} workloads");
            return false;
        }

        var workloads = new List<object>(list.Items.Count);
        bool ok = true;
        foreach (YNode item in list.Items)
        {
            WorkloadConfig? w = ReadOne(item, ctx);
            ok &= w is not null;
            if (w is not null)
            {
                workloads.Add(w);
            }
        }

        value = workloads;
        return ok;
    }

    private static WorkloadConfig? ReadOne(YNode item, LoadContext ctx)
    {
        if (item is not YMapping map)
        {
            ctx.Error(item.Start, item.Path, $"expected a workload mapping ('type: …' and its parameters), got {item.KindName}");
            return null;
        }

        WorkloadType? type = TypeOf(map, ctx);
        if (type is null)
        {
            return null;
        }

        var w = (WorkloadConfig?)SchemaReader.ReadSection(map, type.Section, ctx, extraKeys: ["type", CgroupKey]);
        return w is null ? null : ReadCgroup(map, w, ctx);
    }

    // memcg: `cgroup: NAME` on any workload places its tasks; the name is checked against `cgroups` later.
    private const string CgroupKey = "cgroup";

    private static WorkloadConfig? ReadCgroup(YMapping map, WorkloadConfig w, LoadContext ctx)
    {
        (YScalar key, YNode value) = map.Entries.FirstOrDefault(e => e.Key.Value == CgroupKey);
        if (key is null)
        {
            return w;
        }

        string path = YamlTree.Join(map.Path, CgroupKey);
        if (value is not YScalar { IsNull: false } scalar || scalar.Value.Length == 0)
        {
            ctx.Error(value.Start, path, "expected the name of a cgroup declared in 'cgroups.groups'");
            return null;
        }

        ctx.CgroupRefs.Add((scalar.Start, path, scalar.Value));
        return w with { Cgroup = scalar.Value };
    }

    private static WorkloadType? TypeOf(YMapping map, LoadContext ctx)
    {
        string path = YamlTree.Join(map.Path, "type");
        (YScalar key, YNode value) = map.Entries.FirstOrDefault(e => e.Key.Value == "type");
        IEnumerable<string> names = WorkloadRegistry.Types.Select(t => t.Name);
        if (key is null || value is not YScalar { IsNull: false } scalar)
        {
            ctx.Error(key is null ? map.Start : value.Start, path, $"every workload needs a 'type': one of {string.Join(", ", names)}");
            return null;
        }

        WorkloadType? type = WorkloadRegistry.Find(scalar.Value);
        if (type is null)
        {
            string? close = Suggest.Closest(scalar.Value, names);
            string hint = close is null ? string.Empty : $"did you mean '{close}'? ";
            ctx.Error(scalar.Start, path, $"unknown workload type '{scalar.Value}'; {hint}known types: {string.Join(", ", names)}");
            return null;
        }

        if (type.MissingMechanism is string missing)
        {
            ctx.Error(scalar.Start, path, $"'{type.Name}' needs {missing}, which this version of mmsim does not model yet");
            return null;
        }

        return type;
    }
}
