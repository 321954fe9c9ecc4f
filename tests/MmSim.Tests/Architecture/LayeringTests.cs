using System.Text.RegularExpressions;
using MmSim.Cli;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, enforced: every namespace of MmSim.Core and the mmsim
/// command line sits in a layer, uses only its own layer and the layers below, and no namespaces
/// use each other in a circle. The graph is read from the compiled assemblies and from the sources
/// (<see cref="NamespaceGraph"/>).
/// </summary>
public partial class LayeringTests
{
    /// <summary>The layers, bottom to top: the table of docs/architecture.md (a test keeps the two equal).
    /// A namespace that is not listed fails the build's tests: place new ones deliberately. Listed
    /// namespaces that do not exist yet are the ones planned in issue 6.</summary>
    internal static readonly (int Layer, string Name, string[] Namespaces)[] Layers =
    [
        (0, "ground", ["MmSim.Sim", "MmSim.Mm", "MmSim.Mm.Stat", "MmSim.Mm.Folio"]),
        (1, "buddy core", ["MmSim.Mm.PageAlloc", "MmSim.Mm.Swap", "MmSim.Mm.Memcontrol", "MmSim.Mm.Writeback", "MmSim.Block"]),
        (2, "mechanisms", ["MmSim.Mm.Rmap", "MmSim.Mm.Compaction", "MmSim.Mm.Compaction.Impl", "MmSim.Mm.Vmscan", "MmSim.Mm.Vmscan.Impl",
            "MmSim.Mm.Migrate", "MmSim.Mm.Filemap", "MmSim.Mm.Memory", "MmSim.Mm.Slab", "MmSim.Mm.Gup", "MmSim.Mm.Hugetlb",
            "MmSim.Mm.PageFragCache", "MmSim.Mm.PageIsolation", "MmSim.Mm.OomKill"]),
        (3, "orchestration", ["MmSim.Mm.Slowpath", "MmSim.Mm.MemoryHotplug", "MmSim.Mm.Contig", "MmSim.Mm.Cma", "MmSim.Fs", "MmSim.Fs.Fuse"]),
        (4, "renderers and checkers", ["MmSim.Mm.Vmstat", "MmSim.Mm.Trace", "MmSim.Mm.DebugVm"]),
        (5, "kernel object", ["MmSim.Kernel", "MmSim.Kernel.Designs"]),
        (6, "scenario", ["MmSim.Scenario", "MmSim.Scenario.Import"]),
        (7, "workloads", ["MmSim.Workloads", "MmSim.Workloads.Timed"]),
        (8, "runs", ["MmSim.Runs", "MmSim.Runs.TimeSeries", "MmSim.Runs.Compare", "MmSim.Runs.Sweep"]),
        (9, "report", ["MmSim.Report", "MmSim.Report.Plots"]),
        (10, "command line", ["MmSim.Cli", "MmSim.Cli.Commands"]),
    ];

    /// <summary>Dependencies that break the rules today, each with the work that removes it (none since the
    /// kernel object replaced RunContext). An entry that no longer matches an edge fails
    /// <see cref="KnownExceptions_StillExist"/>: delete it then.</summary>
    internal static readonly (string From, string To, string Why)[] KnownExceptions = [];

    private static readonly Lazy<NamespaceGraph> Graph = new(() => NamespaceGraph.Build(
        [Path.Combine(TestFiles.RepoRoot, "src", "MmSim.Core"), Path.Combine(TestFiles.RepoRoot, "src", "MmSim.Report"), Path.Combine(TestFiles.RepoRoot, "src", "MmSim.Cli")],
        [typeof(PageAllocator).Assembly.Location, typeof(MmSim.Report.CompareReport).Assembly.Location, typeof(Program).Assembly.Location]));

    [Fact]
    public void EveryNamespace_HasALayer()
    {
        List<string> problems = Unplaced(Graph.Value);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void NoNamespace_UsesALayerAboveIt()
    {
        List<string> problems = Upward(Graph.Value, KnownExceptions);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void NoNamespaces_UseEachOtherInACircle()
    {
        List<string> problems = Cycles(Graph.Value, KnownExceptions);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void KnownExceptions_StillExist()
    {
        foreach ((string from, string to, string why) in KnownExceptions)
        {
            Assert.True(Graph.Value.Edges.TryGetValue(from, out var targets) && targets.ContainsKey(to),
                $"{from} → {to} is gone ({why}): remove it from KnownExceptions");
        }
    }

    [Fact]
    public void LayerTable_IsTheOneInArchitectureDoc()
    {
        string doc = File.ReadAllText(Path.Combine(TestFiles.RepoRoot, "docs", "architecture.md"));
        var rows = new List<(int Layer, string Name, string[] Namespaces)>();
        foreach (Match row in DocLayerRow().Matches(doc))
        {
            string[] namespaces = [.. DocNamespace().Matches(row.Groups[3].Value).Select(m => m.Groups[1].Value)];
            rows.Add((int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), row.Groups[2].Value.Trim(), namespaces));
        }

        Assert.Equal(Layers.Select(Describe), rows.Select(Describe));
    }

    // The checks must be able to fail: each rule, fed a small source tree that breaks it, reports it.
    [Fact]
    public void SelfTest_AnUpwardUsingIsReported()
    {
        NamespaceGraph g = FromSources(
            ("Vmstat.cs", "namespace MmSim.Mm.Vmstat;\npublic static class ProcVmstat { }\n"),
            ("Alloc.cs", "using MmSim.Mm.Vmstat;\n\nnamespace MmSim.Mm.PageAlloc;\npublic sealed class PageAllocator { }\n"));
        string problem = Assert.Single(Upward(g, []));
        Assert.Contains("MmSim.Mm.PageAlloc (1 buddy core) uses MmSim.Mm.Vmstat (4 renderers and checkers)", problem, StringComparison.Ordinal);
        Assert.Contains("Alloc.cs: using MmSim.Mm.Vmstat", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SelfTest_AQualifiedEnumMemberIsReported()
    {
        // An enum member compiles to a constant, so only the source shows this dependency.
        NamespaceGraph g = FromSources(
            ("Item.cs", "namespace MmSim.Runs;\npublic enum RunItem { A }\n"),
            ("Zone.cs", "namespace MmSim.Mm.PageAlloc;\npublic sealed class Zone { int x = (int)Runs.RunItem.A; }\n"));
        Assert.Contains("Zone.cs: Runs.RunItem.A", Assert.Single(Upward(g, [])), StringComparison.Ordinal);
    }

    [Fact]
    public void SelfTest_ACycleInsideALayerIsReported()
    {
        NamespaceGraph g = FromSources(
            ("Kcompactd.cs", "using MmSim.Mm.Vmscan;\n\nnamespace MmSim.Mm.Compaction;\npublic class Kcompactd { Kswapd k; }\n"),
            ("Kswapd.cs", "using MmSim.Mm.Compaction;\n\nnamespace MmSim.Mm.Vmscan;\npublic class Kswapd { Kcompactd k; }\n"));
        Assert.Empty(Upward(g, []));
        Assert.Contains("MmSim.Mm.Compaction → MmSim.Mm.Vmscan", Assert.Single(Cycles(g, [])), StringComparison.Ordinal);
    }

    [Fact]
    public void SelfTest_AParentNamespaceTypeUsedWithoutUsingIsSeen()
    {
        // MmSim.Kernel.Designs sees MmSim.Kernel's types without a using; Kernel uses Designs: a circle.
        NamespaceGraph g = FromSources(
            ("Kernel.cs", "using MmSim.Kernel.Designs;\n\nnamespace MmSim.Kernel;\npublic class KernelObject { Design d; }\n"),
            ("Design.cs", "namespace MmSim.Kernel.Designs;\npublic class Design { KernelObject k; }\n"));
        Assert.Contains("MmSim.Kernel.Designs → MmSim.Kernel", Assert.Single(Cycles(g, [])), StringComparison.Ordinal);
    }

    [Fact]
    public void SelfTest_ANamespaceOutsideTheTableIsReported()
    {
        NamespaceGraph g = FromSources(("Somewhere.cs", "namespace MmSim.Mm.Somewhere;\npublic class X { }\n"));
        Assert.Contains("MmSim.Mm.Somewhere", Assert.Single(Unplaced(g)), StringComparison.Ordinal);
    }

    [Fact]
    public void SelfTest_TheAssembliesAloneShowTypeUses()
    {
        // Without the sources: PageAlloc's counters (method signatures), the renderers' use of the
        // node (parameters), the CLI's use of the runs (IL), the time series' use of compaction (calls).
        NamespaceGraph g = NamespaceGraph.Build([], [typeof(PageAllocator).Assembly.Location, typeof(Program).Assembly.Location]);
        Assert.Contains("MmSim.Mm.Stat", g.Edges["MmSim.Mm.PageAlloc"].Keys);
        Assert.Contains("MmSim.Mm.PageAlloc", g.Edges["MmSim.Mm.Vmstat"].Keys);
        Assert.Contains("MmSim.Runs", g.Edges["MmSim.Cli.Commands"].Keys);
        Assert.Contains("MmSim.Mm.Compaction", g.Edges["MmSim.Runs.TimeSeries"].Keys);
    }

    private static NamespaceGraph FromSources(params (string Name, string Text)[] files)
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-layering").FullName;
        try
        {
            string src = Path.Combine(dir, "src");
            Directory.CreateDirectory(src);
            foreach ((string name, string text) in files)
            {
                File.WriteAllText(Path.Combine(src, name), text);
            }

            return NamespaceGraph.Build([src], []);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Dictionary<string, (int Layer, string Name)> LayerOf() =>
        Layers.SelectMany(l => l.Namespaces.Select(ns => (ns, l))).ToDictionary(x => x.ns, x => (x.l.Layer, x.l.Name), StringComparer.Ordinal);

    private static List<string> Unplaced(NamespaceGraph g)
    {
        Dictionary<string, (int Layer, string Name)> layerOf = LayerOf();
        return [.. g.Namespaces.Where(ns => !layerOf.ContainsKey(ns))
            .Select(ns => $"{ns} is in no layer: add it to docs/architecture.md and {nameof(LayeringTests)}.{nameof(Layers)}")];
    }

    private static List<string> Upward(NamespaceGraph g, (string From, string To, string Why)[] exceptions)
    {
        Dictionary<string, (int Layer, string Name)> layerOf = LayerOf();
        var problems = new List<string>();
        foreach ((string from, SortedDictionary<string, string> targets) in g.Edges.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            foreach ((string to, string evidence) in targets)
            {
                if (layerOf.TryGetValue(from, out var a) && layerOf.TryGetValue(to, out var b) && b.Layer > a.Layer &&
                    !exceptions.Any(e => e.From == from && e.To == to))
                {
                    problems.Add($"{from} ({a.Layer} {a.Name}) uses {to} ({b.Layer} {b.Name}), a layer above it: {evidence}");
                }
            }
        }

        return problems;
    }

    // Every circle of namespaces (a strongly connected component), listed with its edges.
    private static List<string> Cycles(NamespaceGraph g, (string From, string To, string Why)[] exceptions)
    {
        bool Kept(string from, string to) => !exceptions.Any(e => e.From == from && e.To == to);
        return [.. g.StronglyConnected(Kept).Select(c =>
        {
            var members = new HashSet<string>(c, StringComparer.Ordinal);
            IEnumerable<string> inner = c.Order(StringComparer.Ordinal).SelectMany(from => g.Edges[from].Keys
                .Where(to => members.Contains(to) && Kept(from, to))
                .Select(to => $"  {from} → {to}: {g.Edges[from][to]}"));
            return "cycle:\n" + string.Join("\n", inner);
        })];
    }

    private static string Describe((int Layer, string Name, string[] Namespaces) l) =>
        $"{l.Layer} {l.Name}: {string.Join(", ", l.Namespaces)}";

    // A row of the layer table: | 0 | ground | `MmSim.Sim`, … | may import | what |
    [GeneratedRegex(@"^\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|([^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex DocLayerRow();

    [GeneratedRegex(@"`(MmSim(?:\.\w+)*)`")]
    private static partial Regex DocNamespace();
}
