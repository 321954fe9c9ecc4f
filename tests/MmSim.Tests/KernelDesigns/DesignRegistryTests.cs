using MmSim.Kernel;
using MmSim.Kernel.Designs;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.KernelDesigns;

/// <summary>The table of designs in Core: lookup, the unknown-name line, and the table's own consistency.</summary>
public class DesignRegistryTests
{
    [Fact]
    public void The_table_holds_the_release_designs_oldest_first_then_the_writeback_proposals()
    {
        Assert.Equal(
            ["linux-6.12", "linux-6.15", "linux-6.16", "linux-6.18", "no-reclaim-flag", "skip-sync-migration", "skip-sync-compaction",
             "wait-timeout", "cancel-writeback", "temp-pages-pool", "ask-fs"],
            Designs.Names);
        Design d612 = Designs.Get("linux-6.12");
        Assert.Equal("6.12", d612.Switches.Release);
        Assert.Contains("6.12.0–6.12.28", d612.StandsFor, StringComparison.Ordinal);
        Assert.Contains("__rmqueue_fallback", d612.Change, StringComparison.Ordinal);
        Design d618 = Designs.Get("linux-6.18");
        Assert.Equal("6.18", d618.Switches.Release);
        Assert.Contains("__rmqueue_claim", d618.Change, StringComparison.Ordinal);
        Assert.Same(d618, Designs.Default);
    }

    [Fact]
    public void Release_designs_leave_the_fallback_to_the_release()
    {
        Assert.Null(Designs.Get("linux-6.12").Switches.Fallback);
        Assert.Equal(FallbackAlgorithm.V6_12, Designs.Get("linux-6.12").Switches.FallbackInForce);
        Assert.Equal(FallbackAlgorithm.V6_15, Designs.Get("linux-6.18").Switches.FallbackInForce);
        Assert.All(Designs.All, d => Assert.Equal(("mainline", "mainline"), (d.Switches.Compaction, d.Switches.Reclaim)));
    }

    [Fact]
    public void Every_design_names_a_known_release_and_registered_mechanisms()
    {
        foreach (Design d in Designs.All)
        {
            Assert.Contains(d.Switches.Release, KernelSwitches.Releases);
            Assert.NotNull(Mechanisms.Compaction.Find(d.Switches.Compaction));
            Assert.NotNull(Mechanisms.Reclaim.Find(d.Switches.Reclaim));
            Assert.False(string.IsNullOrWhiteSpace(d.StandsFor));
            Assert.False(string.IsNullOrWhiteSpace(d.Change));
            Assert.DoesNotContain('\n', d.Change);
        }
    }

    [Theory]
    [InlineData("linux-6.19", "unknown design 'linux-6.19'; did you mean 'linux-6.18'?")]
    [InlineData("linux-6.13", "unknown design 'linux-6.13'; did you mean 'linux-6.12'?")]
    [InlineData("linux_6.12", "unknown design 'linux_6.12'; did you mean 'linux-6.12'?")]
    [InlineData("Linux-6.18", "unknown design 'Linux-6.18'; did you mean 'linux-6.18'?")]
    [InlineData("writeback", "unknown design 'writeback'; known designs: linux-6.12, linux-6.15, linux-6.16, linux-6.18, no-reclaim-flag, skip-sync-migration, skip-sync-compaction, wait-timeout, cancel-writeback, temp-pages-pool, ask-fs")]
    public void An_unknown_name_gets_the_nearest_design_or_the_list(string name, string message)
    {
        Assert.Null(Designs.Find(name));
        Assert.Equal(message, Designs.UnknownMessage(name));
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => Designs.Get(name));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_version_tie_goes_to_the_nearest_version_only_when_that_is_unique()
    {
        string[] releases = ["linux-6.12", "linux-6.15", "linux-6.16", "linux-6.18"];
        Assert.Equal("linux-6.15", Suggest.ClosestVersioned("linux-6.14", releases));
        Assert.Null(Suggest.ClosestVersioned("linux-6.17", releases)); // 6.16 and 6.18 are equally near
        Assert.Equal("linux-6.18", Suggest.ClosestVersioned("linux-6.19", releases));
        Assert.Null(Suggest.ClosestVersioned("linux-6.17", ["linux-6.12", "linux-6x17"])); // not one family of versions
        // The plain rule keeps refusing to guess between equally near names.
        Assert.Null(Suggest.Closest("linux-6.17", ["linux-6.12", "linux-6.18"]));
    }

    [Fact]
    public void Each_switch_prints_and_reads_back_every_word_it_accepts()
    {
        KernelSwitches start = Designs.Default.Switches;
        foreach (KernelSwitch s in KernelSwitches.All)
        {
            foreach (string word in s.Choices)
            {
                Assert.Equal(word, s.Text(s.With(start, word)));
            }

            ConfigurationException e = Assert.Throws<ConfigurationException>(() => s.With(start, "no-such-value"));
            Assert.Contains("'no-such-value'", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(
            ["release", "fallback", "compaction", "reclaim", "fuse_writeback", "fuse_reclaim_flag", "migrate_writeback", "reclaim_writeback", "sync_writeback"],
            KernelSwitches.All.Select(s => s.Name));
    }

    [Fact]
    public void Differences_compare_resolved_switches()
    {
        KernelSwitches a = new() { Release = "6.12" };
        KernelSwitches b = new() { Release = "6.12", Fallback = FallbackAlgorithm.V6_12 };
        Assert.Empty(a.Differences(b)); // auto for 6.12 is v6.12
        var d = new KernelSwitches { Release = "6.16" }.Differences(a);
        Assert.Equal(
            new[] { ("release", "6.16", "6.12"), ("fallback", "v6.15", "v6.12"), ("fuse_writeback", "in-place", "temp-pages"), ("fuse_reclaim_flag", "on", "off") },
            d.Select(x => (x.Switch.Name, x.Value, x.OtherValue)));
    }

    // The designs namespace sits below scenarios, runs, workloads and the command line (docs/designs.md).
    [Fact]
    public void The_designs_namespace_uses_nothing_above_it()
    {
        string folder = Path.Combine(TestFiles.RepoRoot, "src", "MmSim.Core", "Kernel");
        string[] files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            foreach (string above in new[] { "MmSim.Scenario", "MmSim.Runs", "MmSim.Workloads", "MmSim.Cli", "Spectre" })
            {
                Assert.False(text.Contains(above, StringComparison.Ordinal), $"{file} mentions {above}");
            }
        }
    }
}
