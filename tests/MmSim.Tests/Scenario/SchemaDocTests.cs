using MmSim.Scenario;

namespace MmSim.Tests.Scenario;

public class SchemaDocTests
{
    private static string DocPath => Path.Combine(TestFiles.RepoRoot, SchemaDoc.RelativePath);

    // The committed reference must be exactly what the declarations generate, so it cannot drift.
    [Fact]
    public void The_committed_reference_matches_the_declarations()
    {
        string generated = SchemaDoc.Generate();
        if (Environment.GetEnvironmentVariable(SchemaDoc.RegenerateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DocPath)!);
            File.WriteAllText(DocPath, generated);
        }

        string committed = File.Exists(DocPath) ? File.ReadAllText(DocPath).ReplaceLineEndings("\n") : string.Empty;
        Assert.True(
            committed == generated,
            $"{SchemaDoc.RelativePath} is out of date with the schema declarations. Regenerate it with: "
            + $"{SchemaDoc.RegenerateVariable}=1 dotnet test --filter SchemaDocTests, then commit the file.");
    }

    [Fact]
    public void The_reference_covers_every_section_field_and_workload_type()
    {
        string doc = SchemaDoc.Generate();
        foreach (string heading in new[] { "`top level`", "`kernel`", "`machine`", "`machine.zones[]`", "`machine.cma[]`", "`sysctl`", "`type: churn`", "`type: ops`", "`type: anon`", "`type: pagecache, files[]`", "`type: steps, steps[]`", "`type: frag`", "`type: compaction_test`" })
        {
            Assert.Contains(heading, doc, StringComparison.Ordinal);
        }

        foreach (string key in new[] { "`sampling_interval`", "`start_pfn`", "`min_free_kbytes`", "`hung_task_warnings`", "`orders`", "`fuse`", "`type: thpchallenge`", "`delete_rate`" })
        {
            Assert.Contains(key, doc, StringComparison.Ordinal);
        }
    }
}
