using MmSim.Kernel.Designs;
using MmSim.Mm.Writeback;
using MmSim.Scenario;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.WritebackDesigns;

/// <summary>
/// The nine writeback designs in the table: each proposal is linux-6.16 with only its own switches changed, the
/// release designs resolve auto by release, and the new kernel keys survive the resolved config.
/// </summary>
public class DesignTableTests
{
    // What each proposal says it changes (docs/designs.md), as the switches that must differ from linux-6.16.
    public static TheoryData<string, string[]> Proposals() => new()
    {
        { "linux-6.16", [] },
        { "no-reclaim-flag", ["fuse_reclaim_flag"] },
        { "skip-sync-migration", ["migrate_writeback", "sync_writeback"] },
        { "skip-sync-compaction", ["migrate_writeback"] },
        { "wait-timeout", ["migrate_writeback"] },
        { "cancel-writeback", ["migrate_writeback"] },
        { "temp-pages-pool", ["fuse_writeback"] },
        { "ask-fs", ["fuse_reclaim_flag", "migrate_writeback", "reclaim_writeback"] },
    };

    [Theory]
    [MemberData(nameof(Proposals))]
    public void Each_proposal_differs_from_linux_6_16_only_in_its_switches(string name, string[] switches)
    {
        Design d = Designs.Get(name);
        Assert.Equal(switches, Designs.ChangesFromProposalBase(d).Select(c => c.Switch.Name));
        Assert.False(string.IsNullOrWhiteSpace(d.StandsFor));
    }

    [Fact]
    public void Release_designs_resolve_fuse_writeback_and_the_flag_by_release()
    {
        WritebackDesign Resolved(string name) => Designs.Get(name).Switches.WritebackDesign(1, 1, 1);
        Assert.Equal((FuseWritebackMode.TempPages, false), (Resolved("linux-6.12").FuseWriteback, Resolved("linux-6.12").FuseSetsReclaimFlag));
        Assert.Equal((FuseWritebackMode.TempPages, false), (Resolved("linux-6.15").FuseWriteback, Resolved("linux-6.15").FuseSetsReclaimFlag));
        Assert.Equal((FuseWritebackMode.InPlace, true), (Resolved("linux-6.16").FuseWriteback, Resolved("linux-6.16").FuseSetsReclaimFlag));
        Assert.Equal((FuseWritebackMode.InPlace, true), (Resolved("linux-6.18").FuseWriteback, Resolved("linux-6.18").FuseSetsReclaimFlag));
        foreach (string r in KernelSwitches.Releases)
        {
            Assert.Equal(r is "6.12" or "6.15", new KernelSwitches { Release = r }.FuseWritebackInForce == FuseWritebackMode.TempPages);
        }

        // Every design's release designs leave the two auto; only proposals set them.
        Assert.All(new[] { "linux-6.12", "linux-6.15", "linux-6.16", "linux-6.18" }, n => Assert.Null(Designs.Get(n).Switches.FuseWriteback));
    }

    [Fact]
    public void The_table_lists_every_design_with_its_switches_against_linux_6_16()
    {
        string doc = File.ReadAllText(Path.Combine(RepoRoot, "docs", "designs.md"));
        foreach (Design d in Designs.All)
        {
            string switches = string.Join(" ", Designs.ChangesFromProposalBase(d).Where(c => c.Switch.Name != "release").Select(c => $"`{c.Switch.Name}={c.Value}`")
                .Prepend($"`release={d.Switches.Release}`"));
            Assert.Contains($"| `{d.Name}` | {d.StandsFor} | {d.Change} | {switches} |", doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_new_kernel_keys_round_trip_through_the_resolved_config()
    {
        ScenarioConfig c = LoadOk(Minimal(
            "kernel:\n  design: wait-timeout\n  fuse_writeback: temp-pool\n  fuse_reclaim_flag: \"off\"\n  reclaim_writeback: ask-fs\n"
            + "  sync_writeback: no-data-integrity\n  writeback_wait_timeout: 250ms\n  writeback_cancel_after: 3s\n  fuse_temp_pool: 8MiB\n"));
        WritebackDesign d = c.Kernel.WritebackDesign;
        Assert.Equal(
            (FuseWritebackMode.TempPool, false, MigrateWritebackMode.Timeout, ReclaimWritebackMode.AskFs, SyncWritebackMode.NoDataIntegrity),
            (d.FuseWriteback, d.FuseSetsReclaimFlag, d.MigrateWriteback, d.ReclaimWriteback, d.SyncWriteback));
        Assert.Equal((250_000_000L, 3_000_000_000L, 2048L), (d.WaitTimeoutNs, d.CancelAfterNs, d.TempPoolPages));
        Assert.Equal(d, MmSim.Runs.KernelFromConfig.Params(c).WritebackDesign);

        string yaml = ScenarioWriter.WriteResolvedYaml(c);
        Assert.Contains("  writeback_wait_timeout: 250ms\n  writeback_cancel_after: 3s\n  fuse_temp_pool: 8MiB\n", yaml, StringComparison.Ordinal);
        Assert.Equal(c, LoadOk(yaml));
    }

    [Theory]
    [InlineData("  writeback_wait_timeout: 0s\n", "writeback_wait_timeout")]
    [InlineData("  writeback_cancel_after: soon\n", "writeback_cancel_after")]
    [InlineData("  fuse_temp_pool: 100\n", "fuse_temp_pool")]
    [InlineData("  migrate_writeback: sometimes\n", "migrate_writeback")]
    [InlineData("  sync_writeback: no\n", "sync_writeback")]
    public void A_bad_design_key_is_one_positioned_error_naming_the_field(string line, string field)
    {
        IReadOnlyList<string> errors = Errors(Minimal("kernel:\n" + line));
        string e = Assert.Single(errors);
        Assert.StartsWith("test.yaml:", e, StringComparison.Ordinal);
        Assert.Contains($"kernel.{field}", e, StringComparison.Ordinal);
    }
}
