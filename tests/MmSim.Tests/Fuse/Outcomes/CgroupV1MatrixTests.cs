using MmSim.Mm.Vmscan.Impl;
using MmSim.Runs;

namespace MmSim.Tests.Fuse.Outcomes;

/// <summary>
/// scenarios/fuse-cgroup-v1-deadlock.yaml by design, as `--design` runs it: the single-threaded server and its writer
/// share a cgroup-v1 memcg at its limit. Only without the reclaim flag does the server's limit reclaim wait on its own
/// writeback (shrink_folio_list case 3), a cycle the detector names <c>cgroup_v1_reclaim</c>.
/// </summary>
public class CgroupV1MatrixTests
{
    private const string File = "fuse-cgroup-v1-deadlock.yaml";

    [Fact]
    public void No_reclaim_flag_deadlocks_in_cgroup_v1_reclaim_with_its_wait_sites()
    {
        (RunSummary s, _) = ScenarioMatrix.Run(File, "no-reclaim-flag");
        OutcomesSummary o = s.Outcomes!;
        DeadlockOutcome d = Assert.Single(o.Deadlocks);
        Assert.Equal(OutcomeClassifier.CgroupV1Reclaim, d.Kind);
        string server = Assert.Single(d.Tasks);
        Assert.StartsWith("fuse-server:", server, StringComparison.Ordinal);
        Assert.Equal(["folio_wait_writeback"], d.WaitSites);

        // The writer's own limit reclaim waits behind it, on a FUSE folio, with the chain to the server.
        Assert.Contains(o.HungTasks, h => h.Role == "reclaim" && h.WaitSite == "folio_wait_writeback" && h.EndsAtFuseServer && h.ServerTask == server);
    }

    [Theory]
    [InlineData("linux-6.16")]
    [InlineData("linux-6.18")]
    [InlineData("ask-fs")]
    public void The_flag_and_ask_fs_keep_the_server_out_of_its_own_writeback(string design)
    {
        (RunSummary s, ScenarioRunner r) = ScenarioMatrix.Run(File, design);
        Assert.Empty(s.Outcomes!.Deadlocks);
        Assert.Empty(s.Outcomes.HungTasks);
        Assert.Equal(0, ((MainlineReclaim)r.Kernel!.Reclaim).WritebackWaits);
    }

    [Fact]
    public void Cgroup_v2_does_not_deadlock_without_the_flag_either()
    {
        (RunSummary s, ScenarioRunner r) = ScenarioMatrix.Run(File, "no-reclaim-flag", edits: [("version: v1", "version: v2"), ("limit_in_bytes: 16MiB", "max: 16MiB"), ("duration: 10s", "duration: 3s")]);
        Assert.Empty(s.Outcomes!.Deadlocks);
        Assert.Empty(s.Outcomes.HungTasks);
        Assert.Equal(0, ((MainlineReclaim)r.Kernel!.Reclaim).WritebackWaits);
    }

    // linux-6.16 with the writeback cache off: fuse_init_file_inode flags no mapping, so case 3 still applies. The
    // writer dirties FUSE folios through a MAP_SHARED mapping (without the writeback cache write(2) is written through,
    // never dirty), the server stops at 1 s with their writeback in flight, and an anon task in the same v1 memcg hits
    // the limit: its reclaim sleeps in folio_wait_writeback on a FUSE folio, the chain ending at the stopped server.
    // With the writeback cache on, the same set-up flags the mapping and reclaim does not wait.
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Linux_6_16_without_the_writeback_cache_still_waits_in_case_3_on_mmap_dirtied_folios(bool writebackCache, bool waits)
    {
        (RunSummary s, ScenarioRunner r) = ScenarioMatrix.Run(File, "linux-6.16", edits:
        [
            ("writeback_cache: true", $"writeback_cache: {(writebackCache ? "true" : "false")}"),
            ("rate: 8000/s, cgroup: box }", "rate: 8000/s, mmap: true, cgroup: box }\n  - { type: anon, size: 32MiB, fill_time: 2s, cgroup: box, start: 2s }"),
            ("backing_size: 32MiB", "backing_size: 32MiB\n    behaviour: stall\n    stall_at: 1s"),
        ]);
        OutcomesSummary o = s.Outcomes!;
        Assert.Equal(waits, o.HungTasks.Any(h => h.Role == "reclaim" && h.Task.StartsWith("anon:", StringComparison.Ordinal)
            && h.WaitSite == "folio_wait_writeback" && h.EndsAtFuseServer));
        Assert.Equal(waits, ((MainlineReclaim)r.Kernel!.Reclaim).WritebackWaits > 0);
        Assert.Empty(o.Deadlocks);
    }
}
