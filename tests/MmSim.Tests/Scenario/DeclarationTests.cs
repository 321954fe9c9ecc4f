using MmSim.Scenario;

namespace MmSim.Tests.Scenario;

/// <summary>Consistency of the schema declarations themselves, so a new workload type cannot declare a default the loader would refuse.</summary>
public class DeclarationTests
{
    private static IEnumerable<FieldDecl> AllFields()
    {
        var sections = new Stack<SectionDecl>([ScenarioSchema.Root, .. WorkloadRegistry.Types.Select(t => t.Section)]);
        while (sections.Count > 0)
        {
            SectionDecl decl = sections.Pop();
            foreach (FieldDecl f in decl.Fields)
            {
                if (f.Section is not null)
                {
                    sections.Push(f.Section);
                }

                yield return f;
            }
        }
    }

    public static TheoryData<string> FieldsWithDefaults() =>
        [.. AllFields().Where(f => f.Default is not null).Select(f => f.Name).Distinct()];

    [Theory]
    [MemberData(nameof(FieldsWithDefaults))]
    public void Every_default_prints_and_reads_back_to_itself(string name)
    {
        foreach (FieldDecl f in AllFields().Where(f => f.Name == name && f.Default is not null))
        {
            string yaml = $"{f.Name}: {ValueText.Scalar(f, f.Default)}\n";
            var errors = new List<ScenarioError>();
            var root = (YMapping)YamlTree.Load(yaml, "d.yaml", errors)!;
            var ctx = new LoadContext("d.yaml", string.Empty, Path.GetTempPath());
            var decl = new SectionDecl("d", "d", [f], (v, _) => v.Raw(f.Name));
            object? read = SchemaReader.ReadSection(root, decl, ctx);
            Assert.Empty(errors.Concat(ctx.Errors));
            Assert.Equal(f.Default, read);
        }
    }

    [Fact]
    public void Field_names_are_unique_within_each_section_and_kernel_style()
    {
        var sections = new List<SectionDecl> { ScenarioSchema.Root, KernelSchema.Decl, MachineSchema.Machine, MachineSchema.Zone, MachineSchema.Cma, SysctlSchema.Decl };
        sections.AddRange(WorkloadRegistry.Types.Select(t => t.Section));
        sections.AddRange(WorkloadRegistry.Types.SelectMany(t => t.Fields).Where(f => f.Section is not null).Select(f => f.Section!));
        foreach (SectionDecl s in sections)
        {
            Assert.Equal(s.Fields.Count, s.Fields.Select(f => f.Name).Distinct().Count());
            Assert.All(s.Fields, f => Assert.Matches("^[a-z][a-z0-9_]*$", f.Name));
        }
    }

    [Fact]
    public void The_registry_lists_usable_and_pending_types_by_name()
    {
        Assert.Equal(
            ["anon", "churn", "compaction_test", "dbmix", "filewrite", "frag", "fuse_server", "netbuf", "ops", "pagecache", "pinned", "punch", "slab", "steps", "thpchallenge", "thpcompact"],
            WorkloadRegistry.Types.Where(t => t.MissingMechanism is null).Select(t => t.Name));
        Assert.DoesNotContain(WorkloadRegistry.Types, t => t.MissingMechanism is not null); // FUSE server (issue 9): `fuse` is no longer pending
    }
}
