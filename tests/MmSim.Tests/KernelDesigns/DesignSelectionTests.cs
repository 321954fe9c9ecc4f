using MmSim.Kernel.Designs;
using MmSim.Mm.PageAlloc;
using MmSim.Scenario;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.KernelDesigns;

/// <summary>
/// kernel.design in scenario files and the override rule (docs/designs.md): written switches win
/// over the design, auto follows the release in force, and a design from the command line keeps
/// only the written switches that change the file's own design.
/// </summary>
public class DesignSelectionTests
{
    private static string Kernel(string lines) => Minimal("kernel:\n" + lines);

    private static (string Design, string Release, string Fallback) Resolved(string yaml, Design? design = null)
    {
        LoadResult r = ScenarioLoader.LoadFromString(yaml, "test.yaml", design);
        Assert.True(r.Success, string.Join("\n", r.Errors));
        KernelConfig k = r.Config!.Kernel;
        return (k.Design, k.Release, KernelConfig.FallbackName(k.Fallback));
    }

    [Fact]
    public void Without_a_design_the_scenario_runs_linux_6_18_as_before()
    {
        Assert.Equal(("linux-6.18", "6.18", "v6.15"), Resolved(Minimal()));
        Assert.Equal(("linux-6.18", "6.18", "v6.15"), Resolved(Kernel("  release: 6.18\n")));
    }

    [Fact]
    public void Kernel_design_selects_the_design_switches()
    {
        Assert.Equal(("linux-6.12", "6.12", "v6.12"), Resolved(Kernel("  design: linux-6.12\n")));
        ScenarioConfig c = LoadOk(Kernel("  design: linux-6.12\n"));
        Assert.Equal(FallbackAlgorithm.V6_12, c.Kernel.Fallback);
        Assert.Equal(Designs.Get("linux-6.12").Switches.Resolved(), c.Kernel.Switches);
    }

    [Fact]
    public void A_written_switch_overrides_the_design_and_auto_follows_the_release_in_force()
    {
        // release from the file, fallback auto from the design: the 6.18 release's fallback.
        Assert.Equal(("linux-6.12", "6.18", "v6.15"), Resolved(Kernel("  design: linux-6.12\n  release: 6.18\n")));
        Assert.Equal(("linux-6.12", "6.12", "v6.15"), Resolved(Kernel("  design: linux-6.12\n  fallback: v6.15\n")));
        Assert.Equal(("linux-6.18", "6.18", "v6.12"), Resolved(Kernel("  fallback: v6.12\n")));
        // As before designs existed: release 6.12 alone brings its own fallback.
        Assert.Equal(("linux-6.18", "6.12", "v6.12"), Resolved(Kernel("  release: 6.12\n")));
        Assert.Equal(("linux-6.18", "6.12", "v6.12"), Resolved(Kernel("  release: 6.12\n  fallback: auto\n")));
    }

    [Fact]
    public void A_command_line_design_replaces_the_file_design_and_switches_that_only_repeat_it()
    {
        Design d612 = Designs.Get("linux-6.12"), d618 = Designs.Get("linux-6.18");
        // scenarios/examples/fallback-fragmentation.yaml writes release: 6.18, which linux-6.18 gives anyway.
        Assert.Equal(("linux-6.12", "6.12", "v6.12"), Resolved(Kernel("  release: 6.18\n"), d612));
        Assert.Equal(("linux-6.12", "6.12", "v6.12"), Resolved(Kernel("  design: linux-6.18\n  release: 6.18\n  fallback: v6.15\n"), d612));
        Assert.Equal(("linux-6.18", "6.18", "v6.15"), Resolved(Kernel("  design: linux-6.12\n  release: 6.12\n  fallback: v6.12\n"), d618));
        // The same design as the file's changes nothing, repetitions included.
        Assert.Equal(("linux-6.18", "6.12", "v6.15"), Resolved(Kernel("  release: 6.12\n  fallback: v6.15\n"), d618));
    }

    [Fact]
    public void A_command_line_design_keeps_the_switches_that_change_the_file_design()
    {
        Design d612 = Designs.Get("linux-6.12"), d618 = Designs.Get("linux-6.18");
        Assert.Equal(("linux-6.12", "6.16", "v6.15"), Resolved(Kernel("  release: 6.16\n"), d612));
        Assert.Equal(("linux-6.18", "6.18", "v6.12"), Resolved(Kernel("  design: linux-6.12\n  fallback: v6.12\n  release: 6.18\n"), d618));
        Assert.Equal(("linux-6.12", "6.12", "v6.15"), Resolved(Kernel("  release: 6.12\n  fallback: v6.15\n"), d612));
    }

    [Fact]
    public void Only_written_switches_that_change_the_design_count_as_changes()
    {
        KernelSwitch release = KernelSwitches.All[0], fallback = KernelSwitches.All[1];
        var written = new SwitchOverrides([(release, "6.12"), (fallback, "v6.12")]);
        // Under linux-6.18 only the release changes it: release 6.12 alone gives v6.12 already.
        Assert.Equal(1, written.ChangesTo(Designs.Get("linux-6.18")).Count);
        Assert.Equal(0, written.ChangesTo(Designs.Get("linux-6.12")).Count);
        var both = new SwitchOverrides([(release, "6.12"), (fallback, "v6.15")]);
        Assert.Equal(2, both.ChangesTo(Designs.Get("linux-6.18")).Count);
    }

    [Fact]
    public void The_resolved_config_names_the_design_and_every_switch_and_reloads_to_the_same_config()
    {
        ScenarioConfig c = LoadOk(Kernel("  design: linux-6.12\n  fallback: v6.15\n"));
        string yaml = ScenarioWriter.WriteResolvedYaml(c);
        Assert.Contains("kernel:\n  design: linux-6.12\n  release: \"6.12\"\n  fallback: v6.15\n  compaction: mainline\n  reclaim: mainline\n"
            + "  fuse_writeback: temp-pages\n  fuse_reclaim_flag: \"off\"\n  migrate_writeback: wait\n  reclaim_writeback: flag\n  sync_writeback: wait\n"
            + "  writeback_wait_timeout: 10s\n  writeback_cancel_after: 10s\n  fuse_temp_pool: 16MiB\n  pcp: true\n", yaml, StringComparison.Ordinal);
        Assert.Equal(c, LoadOk(yaml));
        // Every switch is pinned in the resolved file, so it reruns as itself under its own design.
        Assert.Equal(c.Kernel, ScenarioLoader.LoadFromString(yaml, "r.yaml", Designs.Get("linux-6.12")).Config!.Kernel);
    }

    [Fact]
    public void An_unknown_design_in_the_file_is_one_positioned_line_with_the_nearest_name()
    {
        Assert.Equal(
            ["test.yaml:7:11: kernel.design: unknown design 'linux-6.19'; did you mean 'linux-6.18'?"],
            Errors(Kernel("  design: linux-6.19\n")));
        Assert.Equal(
            ["test.yaml:7:11: kernel.design: unknown design 'fuse'; known designs: linux-6.12, linux-6.15, linux-6.16, linux-6.18, no-reclaim-flag, skip-sync-migration, skip-sync-compaction, wait-timeout, cancel-writeback, temp-pages-pool, ask-fs"],
            Errors(Kernel("  design: fuse\n")));
    }

    [Fact]
    public void An_unknown_mechanism_implementation_is_one_positioned_line()
    {
        Assert.Equal(
            ["test.yaml:8:15: kernel.compaction: unknown compaction implementation 'nnone'; did you mean 'none'?"],
            Errors(Kernel("  design: linux-6.12\n  compaction: nnone\n")));
        Assert.Equal(
            ["test.yaml:7:12: kernel.reclaim: unknown reclaim implementation 'mglru'; known: mainline, none"],
            Errors(Kernel("  reclaim: mglru\n")));
    }
}
