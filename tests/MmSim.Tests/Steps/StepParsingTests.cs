using MmSim.Mm;
using MmSim.Scenario;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Steps;

/// <summary>Loading the kernel steps (compact, offline, online, CMA, alloc_contig, nr_hugepages, writeback) and their errors.</summary>
public class StepParsingTests
{
    private const string Head = "workloads:\n  - type: steps\n    steps:\n";

    // Minimal's machine with the CMA area the cma_alloc steps name, on as many lines, so error positions stay put.
    private static string Script(params string[] steps) =>
        "version: 1\nmachine:\n  cma: [{ name: reserved, size: 64MiB }]\n  zones:\n    - { name: Normal, size: 1GiB }\n"
        + Head + string.Concat(steps.Select(s => "      - " + s + "\n"));

    private static StepConfig[] Steps(params string[] steps) =>
        [.. Assert.IsType<StepsWorkloadConfig>(Assert.Single(LoadOk(Script(steps)).Workloads)).Steps];

    [Fact]
    public void Every_kernel_step_resolves_with_its_fields_and_defaults_and_writes_back_identically()
    {
        string yaml = Script(
            "{ at: 1s, do: compact }",
            "{ at: 1s, do: compact, zone: Normal }",
            "{ at: 2s, do: offline, block: 3, signal_after: 10s }",
            "{ at: 3s, do: online, block: 3 }",
            "{ at: 4s, do: cma_alloc, id: c, area: reserved, pages: 512 }",
            "{ at: 5s, do: cma_release, id: c }",
            "{ at: 6s, do: alloc_contig, id: r, pages: 1024 }",
            "{ at: 7s, do: free, id: r }",
            "{ at: 8s, do: nr_hugepages, value: 4 }",
            "{ at: 9s, do: nr_hugepages, value: 1, hugepage_size: 1GiB }",
            "{ at: 10s, do: writeback, file: f1, size: 4MiB, until: 30s, owner: flusher }",
            "{ at: 11s, do: writeback, file: f2, size: 8KiB, until: never, owner: fuse-server }");
        ScenarioConfig c = LoadOk(yaml);
        var steps = Assert.IsType<StepsWorkloadConfig>(Assert.Single(c.Workloads)).Steps;
        const long S = Units.NsPerS;
        Assert.Equal(
            [
                new StepConfig(S, StepAction.Compact, null, null, 0, null, null, null, null),
                new StepConfig(S, StepAction.Compact, null, null, 0, null, null, null, null, Zone: "Normal"),
                new StepConfig(2 * S, StepAction.Offline, null, null, 0, null, null, null, null, Block: 3, SignalAfterNs: 10 * S),
                new StepConfig(3 * S, StepAction.Online, null, null, 0, null, null, null, null, Block: 3),
                new StepConfig(4 * S, StepAction.CmaAlloc, "c", null, 0, null, null, null, null, Area: "reserved", Pages: 512, Align: 0),
                new StepConfig(5 * S, StepAction.CmaRelease, "c", null, 0, null, null, null, null),
                new StepConfig(6 * S, StepAction.AllocContig, "r", "GFP_KERNEL", (uint)GfpFlags.Kernel, null, null, null, null, Pages: 1024),
                new StepConfig(7 * S, StepAction.Free, "r", null, 0, null, null, null, null),
                new StepConfig(8 * S, StepAction.NrHugepages, null, null, 0, null, null, null, 4, HugepageSizeBytes: 2 * Units.MiB),
                new StepConfig(9 * S, StepAction.NrHugepages, null, null, 0, null, null, null, 1, HugepageSizeBytes: Units.GiB),
                new StepConfig(10 * S, StepAction.Writeback, null, null, 0, null, null, 4 * Units.MiB, null, File: "f1", UntilNs: 30 * S, Owner: "flusher"),
                new StepConfig(11 * S, StepAction.Writeback, null, null, 0, null, null, 8 * Units.KiB, null, File: "f2", UntilNs: StepConfig.Never, Owner: "fuse-server"),
            ],
            steps);
        string resolved = ScenarioWriter.WriteResolvedYaml(c);
        Assert.Contains("until: never", resolved, StringComparison.Ordinal);
        Assert.Equal(c, LoadOk(resolved, "elsewhere/resolved.yaml"));
    }

    [Fact]
    public void A_kernel_step_without_what_it_needs_is_refused_with_the_field_it_lacks()
    {
        string yaml = Script(
            "{ at: 1s, do: offline }",
            "{ at: 1s, do: online }",
            "{ at: 1s, do: cma_alloc, id: c, pages: 4 }",
            "{ at: 1s, do: alloc_contig, id: r }",
            "{ at: 1s, do: nr_hugepages }",
            "{ at: 1s, do: writeback, file: f, size: 4MiB, until: 2s }");
        Assert.Equal(
            [
                "test.yaml:9:9: workloads[0].steps[0].block: a 'offline' step needs 'block' (memory block of an offline or online (/sys/devices/system/memory/memoryN; its first PFN is N × pages per block))",
                "test.yaml:10:9: workloads[0].steps[1].block: a 'online' step needs 'block' (memory block of an offline or online (/sys/devices/system/memory/memoryN; its first PFN is N × pages per block))",
                "test.yaml:11:9: workloads[0].steps[2].area: a 'cma_alloc' step needs 'area' (CMA area of a cma_alloc, by its `machine.cma[].name`)",
                "test.yaml:12:9: workloads[0].steps[3].pages: a 'alloc_contig' step needs 'pages' (pages of a cma_alloc or an alloc_contig)",
                "test.yaml:13:9: workloads[0].steps[4].value: a 'nr_hugepages' step needs 'value' (what drop_caches drops (1 clean page cache, 2 reclaimable slab, 3 both); the pool size nr_hugepages asks for)",
                "test.yaml:14:9: workloads[0].steps[5].owner: a 'writeback' step needs 'owner' (command name of the task that ends a writeback; hung-task and deadlock reports name it as the releaser)",
            ],
            Errors(yaml));
    }

    [Fact]
    public void Fields_of_other_actions_and_bad_values_are_refused_at_their_position()
    {
        string yaml = Script(
            "{ at: 1s, do: compact, block: 2 }",
            "{ at: 1s, do: compact, zone: Highmem }",
            "{ at: 1s, do: offline, block: 1, zone: Normal }",
            "{ at: 1s, do: drop_caches, value: 5 }",
            "{ at: 1s, do: nr_hugepages, value: 2, hugepage_size: 4MiB }",
            "{ at: 1s, do: cma_alloc, id: c, area: a, pages: 4, align: 11 }",
            "{ at: 1s, do: offline, block: 1, signal_after: 0s }");
        Assert.Equal(
            [
                "test.yaml:9:39: workloads[0].steps[0].block: 'block' does not apply to a 'compact' step",
                "test.yaml:10:38: workloads[0].steps[1].zone: 'Highmem' is not accepted; expected one of DMA, DMA32, Normal, Movable",
                "test.yaml:11:48: workloads[0].steps[2].zone: 'zone' does not apply to a 'offline' step",
                "test.yaml:12:43: workloads[0].steps[3].value: drop_caches takes 1, 2 or 3, got 5",
                "test.yaml:13:62: workloads[0].steps[4].hugepage_size: x86-64 huge pages are 2MiB (PMD) or 1GiB (PUD, gigantic)",
                "test.yaml:14:67: workloads[0].steps[5].align: must be between 0 and 10, got 11",
                "test.yaml:15:56: workloads[0].steps[6].signal_after: must be at least 1ns, got 0ns",
            ],
            Errors(yaml));
    }

    [Fact]
    public void A_writeback_ends_after_it_starts_and_a_file_is_under_one_writeback_at_a_time()
    {
        string yaml = Script(
            "{ at: 5s, do: writeback, file: f, size: 4MiB, until: 5s, owner: flusher }",
            "{ at: 5s, do: writeback, file: g, size: 4MiB, until: soon, owner: flusher }",
            "{ at: 5s, do: writeback, file: h, size: 4MiB, until: never, owner: a-very-long-task-name }",
            "{ at: 99s, do: writeback, file: k, size: 5000, until: 100s, owner: flusher }");
        Assert.Equal(
            [
                "test.yaml:9:62: workloads[0].steps[0].until: until (5s) must come after at (5s)",
                "test.yaml:10:62: workloads[0].steps[1].until: 'soon' does not start with a number; or write 'never'",
                "test.yaml:11:76: workloads[0].steps[2].owner: a task name (comm) has 1 to 15 characters (TASK_COMM_LEN)",
                "test.yaml:12:50: workloads[0].steps[3].size: '5000' has no unit; write '5000B' for bytes or '5000 pages' (units: B, KiB, MiB, GiB, TiB, pages)",
            ],
            Errors(yaml));

        // Once every step reads, the script as a whole: one writeback per file at a time.
        string overlapping = Script(
            "{ at: 6s, do: writeback, file: i, size: 4MiB, until: 30s, owner: flusher }",
            "{ at: 7s, do: writeback, file: i, size: 4MiB, until: 40s, owner: flusher }",
            "{ at: 8s, do: writeback, file: j, size: 4MiB, until: never, owner: flusher }",
            "{ at: 99s, do: writeback, file: j, size: 4MiB, until: 100s, owner: flusher }",
            "{ at: 100s, do: writeback, file: i, size: 4MiB, until: 101s, owner: flusher }");
        Assert.Equal(
            [
                "test.yaml:10:40: workloads[0].steps[1].file: file 'i' is under writeback until 30s from an earlier step; a folio is put under writeback once at a time",
                "test.yaml:12:41: workloads[0].steps[3].file: file 'j' is under writeback forever from an earlier step; a folio is put under writeback once at a time",
            ],
            Errors(overlapping));
    }

    [Fact]
    public void Cma_ranges_are_released_with_cma_release_and_contiguous_ranges_with_free()
    {
        string yaml = Script(
            "{ at: 1s, do: cma_alloc, id: c, area: reserved, pages: 4 }",
            "{ at: 1s, do: alloc_contig, id: r, pages: 4 }",
            "{ at: 2s, do: free, id: c }",
            "{ at: 2s, do: cma_release, id: r }",
            "{ at: 3s, do: cma_release, id: nothing }",
            "{ at: 3s, do: alloc_contig, id: c, pages: 8 }");
        Assert.Equal(
            [
                "test.yaml:11:33: workloads[0].steps[2].id: 'c' is a cma_alloc; give it back with cma_release",
                "test.yaml:12:40: workloads[0].steps[3].id: 'r' is not from a cma_alloc (it is an alloc_contig); free it with free",
                "test.yaml:13:40: workloads[0].steps[4].id: 'nothing' is not allocated by an earlier step (or is already freed)",
                "test.yaml:14:41: workloads[0].steps[5].id: 'c' is still allocated; free it first or choose another id",
            ],
            Errors(yaml));
        Assert.Equal(StepAction.CmaRelease, Steps("{ at: 1s, do: cma_alloc, id: c, area: reserved, pages: 4 }", "{ at: 2s, do: cma_release, id: c }")[1].Do);
    }

    [Fact]
    public void Punch_resolves_its_defaults_and_wants_files_of_whole_chunks()
    {
        var p = Assert.IsType<PunchWorkloadConfig>(Assert.Single(LoadOk(Minimal("workloads:\n  - type: punch\n")).Workloads));
        Assert.Equal(new PunchWorkloadConfig(0, Percent.FromWhole(80), Units.MiB, 64 * Units.MiB, true, Units.NsPerS), p);
        Assert.Equal(
            ["test.yaml:9:16: workloads[0].file_size: 3MiB is not a multiple of the chunk (2MiB); files are written and punched in whole chunks"],
            Errors(Minimal("workloads:\n  - type: punch\n    chunk: 2MiB\n    file_size: 3MiB\n")));
    }
}
