using MmSim.Scenario;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Scenario;

public class ScenarioWriterTests
{
    // Every field away from its default, including text that needs quoting.
    private const string Everything = """
        version: 1
        name: "6.18-vs-6.12.churn"
        description: "two lines\nwith \"quotes\" and # hash"
        seed: 0xffffffffffffffff
        seeds: 5
        duration: 2min
        sampling_interval: 1500ms
        kernel:
          release: 6.12
          fallback: v6.15
          pcp: false
          page_owner: false
          trace: true
        machine:
          zones:
            - name: DMA
              size: 16MiB
              reserved: 1MiB
            - name: DMA32
              size: 1GiB
              start_pfn: 0x40000
            - name: Movable
              size: 512MiB
          cma:
            - name: "cma #0"
              size: 8MiB
              zone: DMA32
            - name: fixed
              size: 2MiB
              zone: Movable
              start_pfn: 0x80000
        sysctl:
          min_free_kbytes: 4096
          watermark_boost_factor: 0
          watermark_scale_factor: 3000
          lowmem_reserve_ratio: [1, 2, 3, 4]
          extfrag_threshold: 0
          compaction_proactiveness: 100
          compact_unevictable_allowed: 0
          defrag_mode: 1
          percpu_pagelist_high_fraction: 8
          dirty_ratio: 50
          dirty_background_ratio: 25
          dirty_expire_centisecs: 100
          dirty_writeback_centisecs: 0
          hung_task_timeout_secs: 0
          hung_task_check_interval_secs: 30
          hung_task_warnings: -1
        workloads:
          - type: churn
            ops: 7
            fill: 12.5%
            orders: {9: 1, 0: 3}
            gfp: {GFP_TRANSHUGE: 1, "GFP_KERNEL | __GFP_ZERO": 2}
          - type: churn
            ops: 1
        policy:
          "weird key": "a: b"
          fuse: inplace
        """;

    [Fact]
    public void A_resolved_file_loads_back_to_an_equal_config_and_rewrites_identically()
    {
        ScenarioConfig original = LoadOk(Everything);
        string resolved = ScenarioWriter.WriteResolvedYaml(original);
        ScenarioConfig reloaded = LoadOk(resolved, "elsewhere/resolved.yaml");
        Assert.Equal(original, reloaded);
        Assert.Equal(resolved, ScenarioWriter.WriteResolvedYaml(reloaded));
    }

    [Fact]
    public void The_resolved_file_holds_every_default_in_schema_order()
    {
        string resolved = ScenarioWriter.WriteResolvedYaml(LoadOk(Minimal("workloads:\n  - type: churn\n    ops: 5\n"), "m.yaml"));
        string[] topLevel = [.. resolved.Split('\n').Where(l => l.Length > 0 && char.IsAsciiLetter(l[0])).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)])];
        Assert.Equal(["version", "name", "description", "seed", "seeds", "duration", "sampling_interval", "kernel", "machine", "sysctl", "mounts", "swap", "workloads", "cgroups", "policy"], topLevel);
        Assert.Contains("seed: 1\n", resolved, StringComparison.Ordinal);
        Assert.Contains("  fallback: v6.15\n", resolved, StringComparison.Ordinal);
        Assert.Contains("  min_free_kbytes: auto\n", resolved, StringComparison.Ordinal);
        Assert.Contains("      start_pfn: 0x0\n", resolved, StringComparison.Ordinal);
        Assert.Contains("    fill: 70%\n", resolved, StringComparison.Ordinal);
        Assert.Contains("    gfp: {GFP_HIGHUSER_MOVABLE: 60, GFP_KERNEL: 25, \"GFP_KERNEL|__GFP_RECLAIMABLE\": 15}\n", resolved, StringComparison.Ordinal);
    }

    [Fact]
    public void Configs_that_differ_anywhere_are_not_equal()
    {
        ScenarioConfig c = LoadOk(Everything);
        Assert.NotEqual(c, c with { Seed = 1 });
        Assert.NotEqual(c, c with { Sysctl = c.Sysctl with { LowmemReserveRatio = [1, 2, 3, 5] } });
        Assert.NotEqual(c, c with { Machine = c.Machine with { Cma = [] } });
        var churn = (ChurnWorkloadConfig)c.Workloads[0];
        Assert.NotEqual(c, c with { Workloads = [churn with { Orders = [new(9, 1)] }, c.Workloads[1]] });
        Assert.Equal(c, c with { Workloads = [.. c.Workloads] });
    }

    [Fact]
    public void Every_shipped_scenario_round_trips()
    {
        foreach (string path in ShippedScenarioTests.ScenarioFiles())
        {
            ScenarioConfig original = ScenarioLoader.LoadOrThrow(path);
            string resolved = ScenarioWriter.WriteResolvedYaml(original);
            Assert.Equal(original, LoadOk(resolved, Path.Combine(Path.GetTempPath(), "resolved.yaml")));
        }
    }
}
