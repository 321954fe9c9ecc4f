using MmSim.Scenario;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.WritebackDesigns.Steps;

/// <summary>Loading the move_pages, mbind, soft_offline, memory_failure, pin_longterm and fuse_abort steps, and their errors.</summary>
public class MigrateSyncStepParsingTests
{
    private const string Head = "workloads:\n  - type: steps\n    steps:\n";

    private static string Script(params string[] steps) => Minimal(Head + string.Concat(steps.Select(s => "      - " + s + "\n")));

    [Fact]
    public void Each_step_resolves_with_its_defaults_and_writes_back_identically()
    {
        string yaml = Script(
            "{ at: 1s, do: move_pages, file: f }",
            "{ at: 2s, do: mbind, file: f, mount: fuse0, index: 3, pages: 8 }",
            "{ at: 3s, do: soft_offline, pfn: 4096 }",
            "{ at: 4s, do: memory_failure, file: f, index: 2 }",
            "{ at: 5s, do: pin_longterm, file: f, pages: 16 }",
            "{ at: 6s, do: fuse_abort, mount: fuse0 }");
        ScenarioConfig c = LoadOk(yaml);
        var steps = Assert.IsType<StepsWorkloadConfig>(Assert.Single(c.Workloads)).Steps;
        const long S = Units.NsPerS;
        Assert.Equal(
            [
                new StepConfig(S, StepAction.MovePages, null, null, 0, null, null, null, null, Pages: 1, File: "f", Index: 0),
                new StepConfig(2 * S, StepAction.Mbind, null, null, 0, null, null, null, null, Pages: 8, File: "f", Mount: "fuse0", Index: 3),
                new StepConfig(3 * S, StepAction.SoftOffline, null, null, 0, null, null, null, null, Pfn: 4096),
                new StepConfig(4 * S, StepAction.MemoryFailure, null, null, 0, null, null, null, null, File: "f", Index: 2),
                new StepConfig(5 * S, StepAction.PinLongterm, null, null, 0, null, null, null, null, Pages: 16, File: "f", Index: 0),
                new StepConfig(6 * S, StepAction.FuseAbort, null, null, 0, null, null, null, null, Mount: "fuse0"),
            ],
            steps);
        Assert.Equal(c, LoadOk(ScenarioWriter.WriteResolvedYaml(c), "elsewhere/resolved.yaml"));
    }

    [Fact]
    public void Missing_and_foreign_fields_and_both_pfn_and_file_are_refused_at_their_position()
    {
        string yaml = Script(
            "{ at: 1s, do: move_pages }",
            "{ at: 1s, do: fuse_abort }",
            "{ at: 1s, do: soft_offline }",
            "{ at: 1s, do: memory_failure, pfn: 1, file: f }",
            "{ at: 1s, do: soft_offline, pfn: 1, index: 2 }",
            "{ at: 1s, do: mbind, file: f, pfn: 1 }",
            "{ at: 1s, do: fuse_abort, mount: fuse0, file: f }");
        Assert.Equal(
            [
                "test.yaml:9:9: workloads[0].steps[0].file: a 'move_pages' step needs 'file' (the file a writeback step writes and puts under writeback (shared with `pagecache` workloads naming it); the file whose page-cache folios a move_pages, mbind, pin_longterm, soft_offline or memory_failure works on (by name; on `mount` when given))",
                "test.yaml:10:9: workloads[0].steps[1].mount: a 'fuse_abort' step needs 'mount' (mount (by its `mounts[].name`) of the file of a move_pages, mbind, pin_longterm, soft_offline or memory_failure; the FUSE mount a fuse_abort aborts)",
                "test.yaml:11:9: workloads[0].steps[2].pfn: a 'soft_offline' step takes 'pfn' or 'file' (with 'index'), got neither 'pfn' nor 'file'",
                "test.yaml:12:44: workloads[0].steps[3].pfn: a 'memory_failure' step takes 'pfn' or 'file' (with 'index'), got both 'pfn' and 'file'",
                "test.yaml:13:52: workloads[0].steps[4].index: 'index' names a page of 'file'; a step with 'pfn' takes neither",
                "test.yaml:14:44: workloads[0].steps[5].pfn: 'pfn' does not apply to a 'mbind' step",
                "test.yaml:15:55: workloads[0].steps[6].file: 'file' does not apply to a 'fuse_abort' step",
            ],
            Errors(yaml));
    }
}
