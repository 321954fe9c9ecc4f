using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmstat;
using MmSim.Sim;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Memcontrol;

/// <summary>memory.stat in the v2 (memcg_stat_format) and v1 (memcg1_stat_format) formats, the control files, and the cgroups section.</summary>
[Collection("Console")]
public class MemcgFilesTests
{
    // A child with 3 file pages and a parent with 2 more, all on the inactive file list; 5 pgfault in the child.
    private static (LinuxKernel K, MemCgroup Parent, MemCgroup Child) Charged(CgroupVersion version)
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = MemcgChargeTests.Tree(100, version);
        foreach ((MemCgroup cg, int n) in new[] { (child, 3), (parent, 2) })
        {
            for (int i = 0; i < n; i++)
            {
                int pfn = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.File);
                k.RunAtomicCharge(pfn, cg);
                k.Lru.FolioAddLru(pfn);
            }
        }

        k.Memcg.CountMemcgEvents(child.Id, VmEventItem.Pgfault, 5);
        k.Memcg.FlushStats();
        return (k, parent, child);
    }

    [Fact]
    public void V2_memory_stat_lists_the_kernel_items_in_order_hierarchically_in_bytes()
    {
        (LinuxKernel k, MemCgroup parent, _) = Charged(CgroupVersion.V2);
        string[] lines = MemcgFiles.MemoryStat(k.Memcg, parent).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] names = [.. lines.Select(l => l.Split(' ')[0])];
        Assert.Equal(
            [
                "anon", "file", "kernel", "kernel_stack", "pagetables", "sec_pagetables", "percpu", "sock", "vmalloc", "shmem",
                "zswap", "zswapped", "file_mapped", "file_dirty", "file_writeback", "swapcached", "anon_thp", "file_thp", "shmem_thp",
                "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable", "slab_reclaimable", "slab_unreclaimable", "slab",
                "workingset_refault_anon", "workingset_refault_file", "workingset_activate_anon", "workingset_activate_file",
                "workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim",
                "pgdemote_kswapd", "pgdemote_direct", "pgdemote_khugepaged", "pgdemote_proactive", "pgpromote_success",
                "pgscan", "pgsteal", "pswpin", "pswpout", "pgscan_kswapd", "pgscan_direct", "pgscan_khugepaged", "pgscan_proactive",
                "pgsteal_kswapd", "pgsteal_direct", "pgsteal_khugepaged", "pgsteal_proactive", "pgfault", "pgmajfault", "pgrefill",
                "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed", "swpin_zero", "swpout_zero", "zswpin", "zswpout", "zswpwb",
                "thp_fault_alloc", "thp_collapse_alloc", "thp_swpout", "thp_swpout_fallback",
                "numa_pages_migrated", "numa_pte_updates", "numa_hint_faults",
            ],
            names);
        Assert.Contains("file 20480", lines);
        Assert.Contains("inactive_file 20480", lines);
        Assert.Contains("pgfault 5", lines);
        Assert.Equal("20480\n", MemcgFiles.Files(k.Memcg, parent).Single(f => f.Name == "memory.current").Text);
        Assert.Equal("409600\n", MemcgFiles.Files(k.Memcg, parent).Single(f => f.Name == "memory.max").Text);
        Assert.Equal("max\n", MemcgFiles.Files(k.Memcg, parent).Single(f => f.Name == "memory.high").Text);
        Assert.Equal("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\nsock_throttled 0\n", MemcgFiles.Files(k.Memcg, parent).Single(f => f.Name == "memory.events").Text);
    }

    [Fact]
    public void V1_memory_stat_prints_local_values_the_hierarchical_limit_and_the_totals()
    {
        (LinuxKernel k, MemCgroup parent, MemCgroup child) = Charged(CgroupVersion.V1);
        string text = MemcgFiles.MemoryStat(k.Memcg, child);
        Assert.Equal(
            "cache 12288\nrss 0\nrss_huge 0\nshmem 0\nmapped_file 0\ndirty 0\nwriteback 0\nworkingset_refault_anon 0\nworkingset_refault_file 0\nswap 0\nswapcached 0\n"
            + "pgpgin 3\npgpgout 0\npgfault 5\npgmajfault 0\n"
            + "inactive_anon 0\nactive_anon 0\ninactive_file 12288\nactive_file 0\nunevictable 0\n"
            + "hierarchical_memory_limit 409600\nhierarchical_memsw_limit 9223372036854771712\n"
            + "total_cache 12288\ntotal_rss 0\ntotal_rss_huge 0\ntotal_shmem 0\ntotal_mapped_file 0\ntotal_dirty 0\ntotal_writeback 0\n"
            + "total_workingset_refault_anon 0\ntotal_workingset_refault_file 0\ntotal_swap 0\ntotal_swapcached 0\n"
            + "total_pgpgin 3\ntotal_pgpgout 0\ntotal_pgfault 5\ntotal_pgmajfault 0\n"
            + "total_inactive_anon 0\ntotal_active_anon 0\ntotal_inactive_file 12288\ntotal_active_file 0\ntotal_unevictable 0\n",
            text);
        Assert.Contains("total_cache 20480\n", MemcgFiles.MemoryStat(k.Memcg, parent), StringComparison.Ordinal);
        Assert.Contains("cache 8192\n", MemcgFiles.MemoryStat(k.Memcg, parent), StringComparison.Ordinal);
        Assert.Equal("409600\n", MemcgFiles.Files(k.Memcg, parent).Single(f => f.Name == "memory.limit_in_bytes").Text);
        Assert.Equal("9223372036854771712\n", MemcgFiles.Files(k.Memcg, child).Single(f => f.Name == "memory.limit_in_bytes").Text);
    }

    [Fact]
    public void The_cgroups_section_places_workloads_and_reports_bad_references_with_their_line()
    {
        string yaml = TestFiles.Minimal(
            "cgroups:\n  version: v1\n  groups:\n    - name: db\n      limit_in_bytes: 64MiB\n    - { name: inner, parent: db }\n"
            + "workloads:\n  - type: anon\n    cgroup: inner\n    size: 4MiB\n");
        var config = TestFiles.LoadOk(yaml);
        Assert.Equal((CgroupVersion.V1, "/db/inner", 64L << 20), (config.Cgroups!.Version, config.Cgroups.PathOf("inner"), config.Cgroups.Groups[0].HardLimitBytes));
        Assert.Equal("inner", config.Workloads[0].Cgroup);
        Assert.Equal(config, TestFiles.LoadOk(global::MmSim.Scenario.ScenarioWriter.WriteResolvedYaml(config)));

        Assert.Equal(
            ["test.yaml:12:13: workloads[0].cgroup: cgroup 'web' is not in 'cgroups.groups' (declared: db)"],
            TestFiles.Errors(TestFiles.Minimal("cgroups:\n  groups:\n    - name: db\n      max: 64MiB\nworkloads:\n  - type: anon\n    cgroup: web\n    size: 4MiB\n")));
        Assert.Contains(
            TestFiles.Errors(TestFiles.Minimal("cgroups:\n  version: v1\n  groups:\n    - name: db\n      max: 64MiB\n")),
            e => e.Contains("cgroups.groups[0].max: 'max' is a cgroup v2 file", StringComparison.Ordinal));
        Assert.Contains(
            TestFiles.Errors(TestFiles.Minimal("cgroups:\n  groups:\n    - { name: a, parent: b }\n    - name: b\n")),
            e => e.Contains("cgroups.groups[0].parent: cgroup 'b' is not declared above 'a'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_example_scenario_writes_cgroup_files_and_totals()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mmsim-memcg-" + Environment.ProcessId);
        try
        {
            var (code, _, err) = Support.MmsimCli.Run("run", Path.Combine(TestFiles.RepoRoot, "scenarios", "examples", "memcg.yaml"), "--out", dir);
            Assert.True(code == 0, err);
            string events = File.ReadAllText(Path.Combine(dir, "cgroups", "db", "memory.events"));
            Assert.DoesNotContain("max 0\n", events, StringComparison.Ordinal);
            Assert.Equal("33554432\n", File.ReadAllText(Path.Combine(dir, "cgroups", "db", "memory.max")));
            // The cgroup works at its limit: limit reclaim keeps it under memory.max, a few pages below at most.
            long current = long.Parse(File.ReadAllText(Path.Combine(dir, "cgroups", "db", "memory.current")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(current, 33554432L * 9 / 10, 33554432L);
            Assert.StartsWith("anon ", File.ReadAllText(Path.Combine(dir, "cgroups", "web", "memory.stat")), StringComparison.Ordinal);
            Assert.Contains("\"cgroups\"", File.ReadAllText(Path.Combine(dir, "summary.json")), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}

/// <summary>Test helpers for charging outside a task.</summary>
internal static class MemcgTestExtensions
{
    /// <summary>Charges <paramref name="pfn"/> to <paramref name="memcg"/> from the boot context (must not need reclaim).</summary>
    public static void RunAtomicCharge(this LinuxKernel k, int pfn, MemCgroup memcg)
    {
        Coroutines.RunInline(k.Memcg.ChargeFolio(pfn, memcg, GfpFlags.Kernel, k.Current));
        Assert.Equal(0, k.Current.Ret);
    }
}
