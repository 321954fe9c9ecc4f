using MmSim.Mm.Memory;
using MmSim.Scenario;
using MmSim.Workloads.Timed;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Workloads;

/// <summary>Loading, checking and writing the timed workload types.</summary>
public class TimedWorkloadSchemaTests
{
    // The smallest valid form of each timed type.
    public static TheoryData<string, string> MinimalWorkloads() => new()
    {
        { "anon", "    size: 64MiB\n" },
        { "pagecache", "    files:\n      - { name: data, size: 8MiB }\n    read_rate: 100/s\n" },
        { "slab", "    rate: 100/s\n" },
        { "netbuf", "    rate: 100/s\n" },
        { "pinned", "    size: 8MiB\n" },
        { "steps", "    steps:\n      - { at: 1s, do: drop_caches }\n" },
        { "frag", string.Empty },
        { "filewrite", "    file: f\n    size: 1MiB\n    rate: 10/s\n" },
        { "dbmix", "    size: 1MiB\n    write_rate: 10/s\n    read_rate: 10/s\n    log_rate: 10/s\n" },
        { "compaction_test", string.Empty },
        { "thpchallenge", string.Empty },
        { "thpcompact", string.Empty },
        { "punch", string.Empty },
        { "fuse_server", "    mount: f\n    behaviour: stall\n    stall_at: 1s\n    resume_at: 2s\nmounts:\n  - { name: root }\n  - { name: f, fs: fuse }\n" }, // FUSE server (issue 9)
    };

    [Theory]
    [MemberData(nameof(MinimalWorkloads))]
    public void Each_type_loads_creates_its_workload_and_writes_back_identically(string type, string fields)
    {
        ScenarioConfig c = LoadOk(Minimal($"workloads:\n  - type: {type}\n{fields}"));
        WorkloadConfig w = Assert.Single(c.Workloads);
        Assert.Equal(type, w.Type);
        Assert.Equal(type, TimedWorkloads.Create(w)!.Type);
        string resolved = ScenarioWriter.WriteResolvedYaml(c);
        ScenarioConfig reloaded = LoadOk(resolved, "elsewhere/resolved.yaml");
        Assert.Equal(c, reloaded);
        Assert.Equal(resolved, ScenarioWriter.WriteResolvedYaml(reloaded));
    }

    [Fact]
    public void Every_usable_type_but_the_untimed_ones_is_covered_above_and_creates_a_timed_workload()
    {
        string[] covered = [.. MinimalWorkloads().Select(row => (string)row.Data.Item1!)];
        string[] usable = [.. WorkloadRegistry.Types.Where(t => t.MissingMechanism is null).Select(t => t.Name).Where(n => n is not ("churn" or "ops"))];
        Assert.Equal(usable.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
        Assert.Null(TimedWorkloads.Create(LoadOk(Minimal("workloads:\n  - type: churn\n    ops: 5\n")).Workloads[0]));
    }

    [Fact]
    public void Steps_take_only_the_fields_of_their_action_and_follow_time_and_names()
    {
        string yaml = Minimal(
            "workloads:\n  - type: steps\n    steps:\n"
            + "      - { at: 2s, do: alloc, id: a, gfp: GFP_KERNEL }\n"
            + "      - { at: 1s, do: free, id: a }\n"
            + "      - { at: 3s, do: free, id: b, order: 2 }\n"
            + "      - { at: 4s, do: alloc, id: c }\n"
            + "      - { at: 5s, do: alloc, id: d, gfp: GFP_KERNAL }\n");
        string[] errors = Errors(yaml);
        Assert.Equal(
            [
                "test.yaml:11:43: workloads[0].steps[2].order: 'order' does not apply to a 'free' step",
                "test.yaml:12:9: workloads[0].steps[3].gfp: a 'alloc' step needs 'gfp' (GFP flags of an alloc or alloc_contig, kernel names joined by `|`)",
                "test.yaml:13:42: workloads[0].steps[4].gfp: unknown GFP flag 'GFP_KERNAL'; did you mean 'GFP_KERNEL'?",
            ],
            errors);

        string ordered = Minimal(
            "workloads:\n  - type: steps\n    steps:\n"
            + "      - { at: 2s, do: alloc, id: a, gfp: GFP_KERNEL }\n"
            + "      - { at: 1s, do: free, id: a }\n"
            + "      - { at: 3s, do: free, id: b }\n"
            + "      - { at: 4s, do: alloc, id: a, gfp: GFP_KERNEL, count: 2 }\n"
            + "      - { at: 4s, do: pin, id: a, size: 4MiB }\n");
        Assert.Equal(
            [
                "test.yaml:10:15: workloads[0].steps[1].at: steps must be in time order: 1s comes after 2s",
                "test.yaml:11:33: workloads[0].steps[2].id: 'b' is not allocated by an earlier step (or is already freed)",
                "test.yaml:13:32: workloads[0].steps[4].id: 'a' is still allocated; free it first or choose another id",
            ],
            Errors(ordered));
    }

    [Fact]
    public void Step_fields_resolve_per_action()
    {
        ScenarioConfig c = LoadOk(Minimal(
            "workloads:\n  - type: steps\n    steps:\n"
            + "      - { at: 1s, do: alloc, id: a, gfp: \"GFP_KERNEL|__GFP_RECLAIMABLE\" }\n"
            + "      - { at: 1s, do: drop_caches }\n"
            + "      - { at: 2500ms, do: free, id: a }\n"));
        var steps = Assert.IsType<StepsWorkloadConfig>(Assert.Single(c.Workloads)).Steps;
        Assert.Equal(new StepConfig(Units.NsPerS, StepAction.Alloc, "a", "GFP_KERNEL|__GFP_RECLAIMABLE", (uint)(Mm.GfpFlags.Kernel | Mm.GfpFlags.Reclaimable), 0, 1, null, null), steps[0]);
        Assert.Equal(new StepConfig(Units.NsPerS, StepAction.DropCaches, null, null, 0, null, null, null, 3), steps[1]);
        Assert.Equal(new StepConfig(2500 * Units.NsPerMs, StepAction.Free, "a", null, 0, null, null, null, null), steps[2]);
    }

    [Fact]
    public void Anon_takes_a_fault_rate_or_a_fill_time_but_not_both()
    {
        var anon = Assert.IsType<AnonWorkloadConfig>(LoadOk(Minimal("workloads:\n  - type: anon\n    size: 512MiB\n    fill_time: 2s\n")).Workloads[0]);
        Assert.Equal(new RateSpec(131072, 2 * Units.NsPerS), anon.FaultRate);
        Assert.Equal((ThpMode.Always, ThpDefrag.Madvise, false, 1L, (DistributionSpec?)null), (anon.Thp, anon.Defrag, anon.Mlock, anon.Repeat, anon.Lifetime));
        Assert.Equal(
            ["test.yaml:10:16: workloads[0].fill_time: give either 'fault_rate' or 'fill_time', not both"],
            Errors(Minimal("workloads:\n  - type: anon\n    size: 512MiB\n    fault_rate: 1000/s\n    fill_time: 2s\n")));
    }

    [Fact]
    public void Bad_timed_parameters_are_reported_with_their_position()
    {
        string yaml = Minimal(
            "workloads:\n"
            + "  - type: slab\n    rate: 10/s\n    orders: {0: 1, 4: 1}\n"
            + "  - type: pinned\n    size: 8MiB\n    at: 2s\n    release_at: 1s\n"
            + "  - type: pagecache\n    files:\n      - { name: a, size: 4MiB }\n      - { name: a, size: 8MiB }\n    read_rate: 1/s\n"
            + "  - type: pagecache\n    files:\n      - { name: b, size: 4MiB }\n"
            + "  - type: anon\n    size: 6KiB\n    thp: sometimes\n");
        Assert.Equal(
            [
                "test.yaml:9:13: workloads[0].orders: order 4 is not allowed: slab orders stay at or below PAGE_ALLOC_COSTLY_ORDER (orders 0..3)",
                "test.yaml:13:17: workloads[1].release_at: release_at (1s) must come after at (2s)",
                "test.yaml:17:17: workloads[2].files[1].name: file 'a' is listed twice",
                "test.yaml:19:5: workloads[3].read_rate: give 'read_rate', 'write_rate' or both; without them nothing touches the files",
                "test.yaml:23:11: workloads[4].size: 6KiB is not a multiple of the page size (4KiB); did you mean 4KiB or 8KiB?",
                "test.yaml:24:10: workloads[4].thp: 'sometimes' is not accepted; expected one of never, madvise, always",
            ],
            Errors(yaml));
    }

    // mmtests' reader outgrows memory, so thpchallenge's cache may exceed 100%, up to 400%.
    [Fact]
    public void Thpchallenge_takes_a_cache_above_memory_up_to_400_percent_and_a_thp_delay()
    {
        var w = (ThpChallengeWorkloadConfig)Assert.Single(LoadOk(Minimal("workloads:\n  - type: thpchallenge\n    cache: 400%\n    thp_delay: 1s\n")).Workloads);
        Assert.Equal(Percent.FromWhole(400), w.Cache);
        Assert.Equal(1_000_000_000L, w.ThpDelayNs);
        string[] errors = Errors(Minimal("workloads:\n  - type: thpchallenge\n    cache: 401%\n    thp_delay: -1s\n"));
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("test.yaml:8:12: workloads[0].cache: ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("test.yaml:9:16: workloads[0].thp_delay: ", errors[1], StringComparison.Ordinal);
    }
}
