using MmSim.Kernel.Designs;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Scenario;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Scenario;

public class ScenarioLoaderTests
{
    [Fact]
    public void A_minimal_scenario_gets_every_default()
    {
        ScenarioConfig c = LoadOk(Minimal(), "dir/minimal.yaml");
        Assert.Equal(1, c.Version);
        Assert.Equal("minimal", c.Name);
        Assert.Equal(string.Empty, c.Description);
        Assert.Equal(1UL, c.Seed);
        Assert.Equal(3, c.Seeds);
        Assert.Equal(10 * Units.NsPerS, c.DurationNs);
        Assert.Equal(Units.NsPerS, c.SamplingIntervalNs);
        var switches = new KernelSwitches
        {
            Release = "6.18", Fallback = FallbackAlgorithm.V6_15, Compaction = "mainline", Reclaim = "mainline",
            FuseWriteback = Mm.Writeback.FuseWritebackMode.InPlace, FuseReclaimFlag = true, // designs (issue 9): resolved
        };
        Assert.Equal(new KernelConfig("linux-6.18", switches, Pcp: true, PageOwner: true, Trace: false), c.Kernel);
        Assert.Equal([new ZoneConfig(ZoneType.Normal, Units.GiB, 0, 0)], c.Machine.Zones);
        Assert.Empty(c.Machine.Cma);
        Assert.Equal(1, c.Machine.Nodes);
        Assert.Equal(1, c.Machine.Cpus);
        Assert.Empty(c.Workloads);
        Assert.Empty(c.Policy);
        SysctlConfig s = c.Sysctl;
        // auto: the page allocator computes it at boot (see MinFreeKbytesTests).
        Assert.Null(s.MinFreeKbytes);
        Assert.Equal((15000, 10, 500, 20, 1, 0, 0), (s.WatermarkBoostFactor, s.WatermarkScaleFactor, s.ExtfragThreshold, s.CompactionProactiveness, s.CompactUnevictableAllowed, s.DefragMode, s.PercpuPagelistHighFraction));
        Assert.Equal([256, 256, 32, 0], s.LowmemReserveRatio);
        Assert.Equal((20, 10, 3000, 500), (s.DirtyRatio, s.DirtyBackgroundRatio, s.DirtyExpireCentisecs, s.DirtyWritebackCentisecs));
        Assert.Equal((120, 0, 10), (s.HungTaskTimeoutSecs, s.HungTaskCheckIntervalSecs, s.HungTaskWarnings));
    }

    [Fact]
    public void Release_6_12_selects_the_6_12_fallback_unless_overridden()
    {
        Assert.Equal(FallbackAlgorithm.V6_12, LoadOk(Minimal("kernel:\n  release: 6.12\n")).Kernel.Fallback);
        Assert.Equal(FallbackAlgorithm.V6_15, LoadOk(Minimal("kernel:\n  release: 6.12\n  fallback: v6.15\n")).Kernel.Fallback);
        Assert.Equal(FallbackAlgorithm.V6_12, LoadOk(Minimal("kernel:\n  release: 6.16\n  fallback: v6.12\n")).Kernel.Fallback);
    }

    [Fact]
    public void Sampling_interval_defaults_to_the_duration_when_that_is_shorter()
    {
        Assert.Equal(500 * Units.NsPerMs, LoadOk(Minimal("duration: 500ms\n")).SamplingIntervalNs);
    }

    [Fact]
    public void Unknown_keys_are_reported_with_the_closest_name_and_exact_position()
    {
        string yaml = Minimal("durration: 5s\nkernel:\n  relase: 6.18\nsysctl:\n  min_free_kbyte: 1024\n  swappiness: 60\n");
        Assert.Equal(
            [
                "test.yaml:6:1: durration: unknown key 'durration'; did you mean 'duration'?",
                "test.yaml:8:3: kernel.relase: unknown key 'relase'; did you mean 'release'?",
                "test.yaml:10:3: sysctl.min_free_kbyte: unknown key 'min_free_kbyte'; did you mean 'min_free_kbytes'?",
                "test.yaml:11:3: sysctl.swappiness: unknown key 'swappiness'; the closest known key is 'dirty_bytes' (all keys: docs/scenario-schema.md)",
            ],
            Errors(yaml));
    }

    [Fact]
    public void A_size_in_SI_units_is_refused_with_the_IEC_spelling()
    {
        string yaml = "version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: 16GB\n";
        Assert.Equal(
            ["test.yaml:5:13: machine.zones[0].size: '16GB': unit 'GB' is not accepted; sizes take B, KiB, MiB, GiB, TiB or pages; did you mean '16GiB'?"],
            Errors(yaml));
    }

    [Fact]
    public void Every_problem_is_listed_not_just_the_first()
    {
        string yaml = """
            version: 1
            seed: -3
            seeds: 0
            duration: 10
            sampling_interval: 100/s
            kernel:
              release: 6.19
              pcp: yes
            machine:
              zones:
                - name: DMA
                  size: -16MiB
                - name: Normal
                  size: 6000B
                  reserved: 4000B
              nodes: 2
            sysctl:
              watermark_scale_factor: 5000
              percpu_pagelist_high_fraction: 4
              lowmem_reserve_ratio: [256, 256, 32]
            workloads:
              - type: churn
                fill: 0.7
                orders: {11: 1, 0: x}
            """;
        Assert.Equal(
            [
                "test.yaml:2:7: seed: '-3' is negative; expected 0 or more",
                "test.yaml:3:8: seeds: must be between 1 and 10000, got 0",
                "test.yaml:4:11: duration: '10' has no unit; write e.g. '10ms' or '10s' (units: ns, us, ms, s, min, h)",
                "test.yaml:5:20: sampling_interval: '100/s': unit '/s' is not accepted; durations take ns, us, ms, s, min or h",
                "test.yaml:7:12: kernel.release: '6.19' is not accepted; expected one of 6.12, 6.15, 6.16, 6.17, 6.18",
                "test.yaml:8:8: kernel.pcp: 'yes' is not true or false",
                "test.yaml:12:13: machine.zones[0].size: '-16MiB' is negative; a size is 0 or more",
                "test.yaml:14:13: machine.zones[1].size: 6000B is not a multiple of the page size (4KiB); did you mean 4KiB or 8KiB?",
                "test.yaml:15:17: machine.zones[1].reserved: 4000B is not a multiple of the page size (4KiB); did you mean 4KiB?",
                "test.yaml:16:10: machine.nodes: mmsim models a single NUMA node for now, got 2",
                "test.yaml:18:27: sysctl.watermark_scale_factor: must be between 1 and 3000, got 5000",
                "test.yaml:19:34: sysctl.percpu_pagelist_high_fraction: must be 0 or at least 8 (MIN_PERCPU_PAGELIST_HIGH_FRACTION), got 4",
                "test.yaml:20:25: sysctl.lowmem_reserve_ratio: expected 4 values, got 3",
                "test.yaml:22:5: workloads[0].ops: required field is missing (number of allocator operations (allocations plus frees, fill phase included))",
                "test.yaml:23:11: workloads[0].fill: '0.7' is not a percentage; write e.g. '70%'",
                "test.yaml:24:14: workloads[0].orders.11: order '11' is not a whole number from 0 to 10 (MAX_PAGE_ORDER)",
                "test.yaml:24:24: workloads[0].orders.0: 'x' is not an integer (decimal or 0x hex expected)",
            ],
            Errors(yaml));
    }

    [Fact]
    public void A_2TiB_machine_is_refused_naming_the_limit()
    {
        Assert.Equal(
            ["test.yaml:4:5: machine.zones: total memory 2TiB is more than mmsim's limit of 1TiB; make the zones smaller"],
            Errors("version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: 2TiB\n"));
        Assert.Equal(
            ["test.yaml:4:5: machine.zones: total memory 1025GiB is more than mmsim's limit of 1TiB; make the zones smaller"],
            Errors("version: 1\nmachine:\n  zones:\n    - name: DMA32\n      size: 1GiB\n    - name: Normal\n      size: 1TiB\n"));
        Assert.Equal(Units.TiB / Units.PageSizeBytes, LoadOk("version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: 1TiB\n").Machine.TotalPages);
    }

    [Fact]
    public void Absurd_sizes_cannot_overflow_into_an_accepted_total()
    {
        string zones = string.Concat(Enumerable.Range(0, 4).Select(i => $"    - name: {ZoneTypes.Names[i]}\n      size: 4194304TiB\n"));
        string[] errors = Errors("version: 1\nmachine:\n  zones:\n" + zones);
        Assert.Equal(
            ["test.yaml:4:5: machine.zones: total memory 18446744073709551616 bytes is more than mmsim's limit of 1TiB; make the zones smaller"],
            errors);
    }

    [Fact]
    public void Zones_must_follow_the_kernel_order_and_address_limits()
    {
        string yaml = """
            version: 1
            machine:
              zones:
                - name: Normal
                  size: 1GiB
                - name: DMA32
                  size: 1GiB
                - name: Normal
                  size: 2MiB
            """;
        Assert.Equal(
            [
                "test.yaml:6:13: machine.zones[1].name: zone DMA32 comes after Normal; list zones in the kernel's order: DMA, DMA32, Normal, Movable",
                "test.yaml:8:13: machine.zones[2].name: zone Normal is listed twice (first as zones[0])",
            ],
            Errors(yaml));

        string tooHigh = "version: 1\nmachine:\n  zones:\n    - name: DMA\n      size: 32MiB\n    - name: DMA32\n      size: 5GiB\n";
        Assert.Equal(
            [
                "test.yaml:5:13: machine.zones[0].size: zone DMA would end at 32MiB (PFN 0x2000), above its limit of 16MiB (MAX_DMA_PFN); make it smaller or start it lower",
                "test.yaml:7:13: machine.zones[1].size: zone DMA32 would end at 5152MiB (PFN 0x142000), above its limit of 4GiB (MAX_DMA32_PFN); make it smaller or start it lower",
            ],
            Errors(tooHigh));
    }

    [Fact]
    public void Zone_start_pfns_may_be_any_pfn_but_must_not_overlap()
    {
        string yaml = """
            version: 1
            machine:
              zones:
                - name: DMA32
                  size: 1GiB
                  start_pfn: 0x1000
                - name: Normal
                  size: 1GiB
                  start_pfn: 0x20000
                - name: Movable
                  size: 1GiB
                  start_pfn: 0x80000
            """;
        Assert.Equal(
            ["test.yaml:9:18: machine.zones[1].start_pfn: 0x20000 overlaps zone DMA32 (PFNs 0x1000-0x40fff); start at 0x41000 or above"],
            Errors(yaml));

        // Real zones start anywhere (the DMA zone at PFN 1): a start inside a pageblock is accepted.
        Assert.Empty(Errors(yaml.Replace("0x20000", "0x41000", StringComparison.Ordinal).Replace("0x80000", "0x81100", StringComparison.Ordinal)));
    }

    [Fact]
    public void Reserved_must_leave_something_to_manage()
    {
        string[] errors = Errors("version: 1\nmachine:\n  zones:\n    - name: DMA\n      size: 16MiB\n      reserved: 16MiB\n");
        Assert.Equal(["test.yaml:6:17: machine.zones[0].reserved: 16MiB reserved leaves nothing of the zone's 16MiB to manage; reserve less than the size"], errors);
    }

    [Fact]
    public void Cma_areas_are_placed_top_down_around_explicit_ones()
    {
        string yaml = """
            version: 1
            machine:
              zones:
                - name: DMA32
                  size: 1GiB
                - name: Normal
                  size: 1GiB
                  reserved: 4MiB
              cma:
                - name: a
                  size: 256MiB
                - name: fixed
                  size: 64MiB
                  start_pfn: 0x78000
                - name: c
                  size: 128MiB
                - name: low
                  size: 2MiB
                  zone: DMA32
            """;
        ScenarioConfig c = LoadOk(yaml);
        // Normal spans PFNs 0x40000-0x7ffff. 'fixed' takes 0x78000-0x7bfff (its top is 0x7c000), 'a' goes below it,
        // 'c' below 'a'; 'low' at the top of DMA32.
        Assert.Equal(
            [
                new CmaConfig("a", 256 * Units.MiB, ZoneType.Normal, 0x68000),
                new CmaConfig("fixed", 64 * Units.MiB, ZoneType.Normal, 0x78000),
                new CmaConfig("c", 128 * Units.MiB, ZoneType.Normal, 0x60000),
                new CmaConfig("low", 2 * Units.MiB, ZoneType.Dma32, 0x3fe00),
            ],
            c.Machine.Cma);
    }

    [Fact]
    public void Cma_areas_that_do_not_fit_are_refused()
    {
        const string Zones = "version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: 64MiB\n      reserved: 2MiB\n  cma:\n";
        Assert.Equal(
            [
                "test.yaml:9:13: machine.cma[0].size: CMA area 'big' (64MiB) does not fit in the free managed part of zone Normal (62MiB managed, other CMA areas excluded)",
                "test.yaml:12:18: machine.cma[1].start_pfn: CMA area 'low' (PFNs 0x0-0x1ff) is not inside the managed part of zone Normal (PFNs 0x200-0x3fff)",
            ],
            Errors(Zones + "    - name: big\n      size: 64MiB\n    - name: low\n      size: 2MiB\n      start_pfn: 0\n"));
        Assert.Equal(
            [
                "test.yaml:12:13: machine.cma[1].zone: there is no DMA zone in machine.zones; a CMA area lies inside a zone",
                "test.yaml:13:13: machine.cma[2].name: CMA area 'a' is listed twice (first as cma[0])",
            ],
            Errors(Zones + "    - name: a\n      size: 2MiB\n    - name: b\n      size: 2MiB\n      zone: DMA\n    - name: a\n      size: 2MiB\n"));
        Assert.Equal(
            ["test.yaml:13:18: machine.cma[1].start_pfn: CMA area 'b' (PFNs 0x3e00-0x3fff) overlaps CMA area 'a' (PFNs 0x3e00-0x3fff)"],
            Errors(Zones + "    - name: a\n      size: 2MiB\n      start_pfn: 0x3e00\n    - name: b\n      size: 2MiB\n      start_pfn: 0x3e00\n"));
        Assert.Equal(
            ["test.yaml:9:13: machine.cma[0].size: 3MiB is not a multiple of a pageblock (2MiB, pageblock_order 9); did you mean 2MiB or 4MiB?"],
            Errors(Zones + "    - name: odd\n      size: 3MiB\n"));
    }

    [Fact]
    public void Explicit_min_free_kbytes_must_stay_below_lowmem()
    {
        Assert.Equal(65536, LoadOk(Minimal("sysctl:\n  min_free_kbytes: 65536\n")).Sysctl.MinFreeKbytes);
        Assert.Equal(
            ["test.yaml:7:3: sysctl.min_free_kbytes: 2000000 KiB is not below the machine's lowmem (1048576 KiB managed in DMA, DMA32 and Normal); every allocation would fail"],
            Errors(Minimal("sysctl:\n  min_free_kbytes: 2000000\n")));
        Assert.Equal(
            ["test.yaml:7:20: sysctl.min_free_kbytes: 'lots' is not an integer (decimal or 0x hex expected); or write 'auto'"],
            Errors(Minimal("sysctl:\n  min_free_kbytes: lots\n")));
    }

    [Fact]
    public void Sampling_interval_longer_than_duration_is_reported_beside_other_problems()
    {
        Assert.Equal(
            [
                "test.yaml:7:20: sampling_interval: 2s is longer than the duration 1s; sample at least once per run",
                "test.yaml:10:10: workloads[0].ops: must be between 1 and 1000000000000, got 0",
            ],
            Errors(Minimal("duration: 1s\nsampling_interval: 2s\nworkloads:\n  - type: churn\n    ops: 0\n")));
    }

    [Fact]
    public void Workload_types_unknown_or_not_yet_modelled_are_named()
    {
        string yaml = Minimal("workloads:\n  - type: chrun\n    ops: 5\n  - ops: 5\n  - type: fuse\n  - type: thpchalenge\n  - type: churn\n    ops: 10\n    opps: 3\n");
        const string Known = "anon, churn, compaction_test, dbmix, filewrite, frag, fuse_server, netbuf, ops, pagecache, pinned, punch, slab, steps, thpchallenge, thpcompact";
        Assert.Equal(
            [
                $"test.yaml:7:11: workloads[0].type: unknown workload type 'chrun'; did you mean 'churn'? known types: {Known}",
                $"test.yaml:9:5: workloads[1].type: every workload needs a 'type': one of {Known}",
                $"test.yaml:10:11: workloads[2].type: unknown workload type 'fuse'; known types: {Known}",
                $"test.yaml:11:11: workloads[3].type: unknown workload type 'thpchalenge'; did you mean 'thpchallenge'? known types: {Known}",
                "test.yaml:14:5: workloads[4].opps: unknown key 'opps'; did you mean 'ops'?",
            ],
            Errors(yaml));
    }

    [Fact]
    public void Churn_parameters_resolve_with_defaults_and_gfp_masks()
    {
        ScenarioConfig c = LoadOk(Minimal("workloads:\n  - type: churn\n    ops: 1_000\n    gfp: {\"GFP_KERNEL|__GFP_RECLAIMABLE\": 2, GFP_ATOMIC: 0}\n"));
        var churn = Assert.IsType<ChurnWorkloadConfig>(Assert.Single(c.Workloads));
        Assert.Equal(1000, churn.Ops);
        Assert.Equal(Percent.FromWhole(70), churn.Fill);
        Assert.Equal([new(0, 80), new(1, 8), new(2, 4), new(3, 4), new(9, 4)], churn.Orders);
        Assert.Equal([new("GFP_KERNEL|__GFP_RECLAIMABLE", 0xcd0, 2), new("GFP_ATOMIC", 0x820, 0)], churn.Gfp);
    }

    [Fact]
    public void Weight_maps_refuse_duplicates_and_all_zero_weights()
    {
        Assert.Equal(
            [
                "test.yaml:9:26: workloads[0].gfp.__GFP_FS|__GFP_IO|__GFP_RECLAIM: same GFP mask as 'GFP_KERNEL' (line 9); give each only once",
                "test.yaml:10:20: workloads[0].orders.0x0: same order as '0' (line 10); give each only once",
            ],
            Errors(Minimal("workloads:\n  - type: churn\n    ops: 1\n    gfp: {GFP_KERNEL: 1, \"__GFP_FS|__GFP_IO|__GFP_RECLAIM\": 1}\n    orders: {0: 1, 0x0: 2}\n")));
        Assert.Equal(
            ["test.yaml:9:13: workloads[0].orders: all weights are 0; at least one must be positive"],
            Errors(Minimal("workloads:\n  - type: churn\n    ops: 1\n    orders: {0: 0, 3: 0}\n")));
    }

    [Fact]
    public void Policy_keeps_any_scalar_switch_sorted_by_name()
    {
        ScenarioConfig c = LoadOk(Minimal("policy:\n  zeta: on\n  fuse_writeback: v6.16\n  alpha: 3\n"));
        Assert.Equal([new("alpha", "3"), new("fuse_writeback", "v6.16"), new("zeta", "on")], c.Policy);
        Assert.Equal(
            ["test.yaml:7:11: policy.nested: expected a single value (a word or number), got a mapping"],
            Errors(Minimal("policy:\n  nested: {a: 1}\n")));
    }

    [Fact]
    public void Yaml_syntax_errors_are_one_line_with_a_position()
    {
        Assert.Equal(["test.yaml:2:8: YAML syntax error: while scanning a plain scalar value, found invalid mapping"], Errors("version: 1\nseed: a: b\n"));
        Assert.Equal(["test.yaml:2:8: YAML syntax error: this '[' is not closed"], Errors("version: 1\nseeds: [1, 2\nduration: 1s\n"));
        Assert.Equal(["test.yaml:3:1: YAML syntax error: while scanning a mapping, found invalid tab as indentation; indent with spaces"], Errors("version: 1\nmachine:\n\tzones: []\n"));
    }

    [Fact]
    public void Quoted_text_with_newlines_still_gives_one_line()
    {
        string line = Assert.Single(Errors(Minimal("\"a\\nb\": 1\n")));
        Assert.StartsWith("test.yaml:6:1: a\\nb: unknown key 'a\\nb'; ", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.Equal(
            ["test.yaml:6:7: seed: 'x\\ty' is not an integer (decimal or 0x hex expected)"],
            Errors(Minimal("seed: \"x\\ty\"\n")));
    }

    [Fact]
    public void Duplicate_keys_are_all_reported_and_loading_continues()
    {
        string yaml = Minimal("seed: 1\nseed: 2\nkernel:\n  pcp: true\n  pcp: false\nseeds: 0\n");
        Assert.Equal(
            [
                "test.yaml:7:1: seed: duplicate key 'seed' (first given at line 6); remove one",
                "test.yaml:10:3: kernel.pcp: duplicate key 'pcp' (first given at line 9); remove one",
                "test.yaml:11:8: seeds: must be between 1 and 10000, got 0",
            ],
            Errors(yaml));
    }

    [Fact]
    public void Wrong_shapes_empty_files_and_missing_version_are_explained()
    {
        Assert.Equal(["test.yaml:1:1: the file is empty; a scenario is a YAML mapping starting with 'version: 1'"], Errors(string.Empty));
        Assert.Equal(["test.yaml:1:1: the file holds a list; a scenario is a YAML mapping starting with 'version: 1'"], Errors("- version: 1\n"));
        Assert.Equal(
            [
                "test.yaml:1:1: version: required field is missing (schema version of the file)",
                "test.yaml:1:1: machine.zones: required field is missing (the zones of node 0, lowest first)",
            ],
            Errors("seed: 4\n"));
        Assert.Equal(["test.yaml:1:10: version: this mmsim reads scenario schema version 1, got 2"], Errors(Minimal().Replace("version: 1", "version: 2", StringComparison.Ordinal)));
        Assert.Equal(["test.yaml:3:10: machine.zones: expected a list of mappings, got a mapping"], Errors("version: 1\nmachine:\n  zones: {name: Normal}\n"));
        Assert.Equal(["test.yaml:3:10: machine.zones: at least one zone is needed, e.g. '- { name: Normal, size: 4GiB }'"], Errors("version: 1\nmachine:\n  zones: []\n"));
        Assert.Equal(["test.yaml:6:9: kernel: expected a mapping, got '6.18'"], Errors(Minimal("kernel: 6.18\n")));
        Assert.Equal(["test.yaml:6:7: seed: expected a whole number, got a list"], Errors(Minimal("seed: [1]\n")));
    }

    [Fact]
    public void Ops_workloads_resolve_the_script_relative_to_the_scenario()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-ops").FullName;
        File.WriteAllText(Path.Combine(dir, "s.ops"), "alloc a 0 GFP_KERNEL\nfree a\n");
        File.WriteAllText(Path.Combine(dir, "bad.ops"), "alloc a 0 GFP_KERNEL\nalloc b 12 GFP_KERNEL\nfree c\nfree a\nfree a\n");
        string scenario = Path.Combine(dir, "s.yaml");
        ScenarioConfig c = LoadOk(Minimal("workloads:\n  - type: ops\n    file: s.ops\n"), scenario);
        var ops = Assert.IsType<OpsWorkloadConfig>(Assert.Single(c.Workloads));
        Assert.Equal(Path.Combine(dir, "s.ops"), ops.File);
        Assert.Equal(2, ops.Script.Entries.Count);

        string badOps = Path.Combine(dir, "bad.ops");
        Assert.Equal(
            [
                $"{scenario}:10:11: workloads[1].file: file 'missing.ops' not found (looked for {Path.Combine(dir, "missing.ops")}; relative paths start at the scenario file's folder)",
                $"{badOps}:2:9: workloads[0].file: order '12' is not a whole number from 0 to 10 (MAX_PAGE_ORDER)",
                $"{badOps}:3:6: workloads[0].file: 'c' is freed but no line above allocates it; 'free ID' names an ID an earlier 'alloc' line gave",
            ],
            Errors(Minimal("workloads:\n  - type: ops\n    file: bad.ops\n  - type: ops\n    file: missing.ops\n"), scenario));
    }

    [Fact]
    public void Files_that_cannot_be_read_give_one_line()
    {
        Assert.Equal(["/nonexistent/x.yaml: scenario file not found"], ScenarioLoader.Validate("/nonexistent/x.yaml").Select(e => e.ToString()));
        var thrown = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadOrThrow("/nonexistent/x.yaml"));
        Assert.Equal("/nonexistent/x.yaml: scenario file not found", thrown.Message);
        Assert.Single(thrown.Errors);
    }

    [Fact]
    public void Aliases_work_and_tags_other_than_standard_ones_are_refused()
    {
        ScenarioConfig c = LoadOk("version: 1\nduration: &d 2s\nsampling_interval: *d\nmachine:\n  zones:\n    - {name: Normal, size: 1GiB}\n");
        Assert.Equal(c.DurationNs, c.SamplingIntervalNs);
        Assert.Equal(["test.yaml:2:7: seed: YAML tag '!weird' is not supported"], Errors("version: 1\nseed: !weird 4\nmachine:\n  zones:\n    - {name: Normal, size: 1GiB}\n"));
    }
}
