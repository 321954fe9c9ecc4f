using MmSim.Mm.Trace;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Scenario.Import;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Import;

/// <summary>
/// Issue 11 item 7, <c>mmsim trace import</c>: the kmem lines of real kernels (tracefs and trace-cmd report prefixes,
/// include/trace/events/kmem.h formats), every unusable line counted by reason, and mmsim's own trace replayed at
/// buddy level giving back the run's end state exactly.
/// </summary>
public class TraceImportTests
{
    private static readonly string ExampleDir = Path.Combine(TestFiles.RepoRoot, "scenarios", "examples", "trace");

    [Theory]

    // /sys/kernel/tracing/trace: "%16s-%-7d [%03d] " + irq/preempt field + " %5lu.%06lu: ", hashed %p.
    [InlineData("     kworker/u8:3-1234    [000] .....   100.000001: mm_page_alloc: page=0000000012345678 pfn=0x1a2b3 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP", KmemEventKind.PageAlloc, 0x1a2b3, 0, 1)]
    [InlineData("          <idle>-0       [001] d.s2.  1234.567890: mm_page_free: page=00000000a1b2c3d4 pfn=0x12340 order=3", KmemEventKind.PageFree, 0x12340, 3, -1)]
    [InlineData("            bash-2279    [001] d..1.  4256.585423: mm_page_alloc_zone_locked: page=000000002a2b2c2d pfn=0x134690 order=0 migratetype=0 percpu_refill=1", KmemEventKind.AllocZoneLocked, 0x134690, 0, 0)]
    [InlineData("            bash-2279    [001] d..2.  4256.585500: mm_page_pcpu_drain: page=000000002a2b2c2d pfn=0x134691 order=0 migratetype=1", KmemEventKind.PcpuDrain, 0x134691, 0, 1)]

    // The record-tgid option adds a "(TGID)" column; without irq-info there is no latency field.
    [InlineData("           mmsim-1       (      1) [000] .....     0.000002: mm_page_free_batched: page=ffffea0000001000 pfn=0x40 order=0", KmemEventKind.PageFreeBatched, 0x40, 0, -1)]
    [InlineData("           mmsim-1       [000]     0.000003: mm_page_alloc_extfrag: page=ffffea0000008000 pfn=0x200 alloc_order=0 fallback_order=9 pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=0 change_ownership=1", KmemEventKind.AllocExtfrag, 0x200, 0, 0)]

    // trace-cmd report: no latency field, the event name padded, %p printed as 0x....
    [InlineData("            bash-2279  [001]  4256.585423: mm_page_alloc:        page=0xffffea0004d1a740 pfn=0x13469d order=0 migratetype=0 gfp_flags=GFP_KERNEL", KmemEventKind.PageAlloc, 0x13469d, 0, 0)]
    [InlineData("     cc1-10003 [002] d..1. 71.500000: mm_page_pcpu_drain:   page=0xffffea00001a0000 pfn=0x6800 order=0 migratetype=2", KmemEventKind.PcpuDrain, 0x6800, 0, 2)]
    public void Kernel_lines_of_both_formats_parse(string line, KmemEventKind kind, long pfn, int order, int migratetype)
    {
        Assert.Equal(TraceLineKind.Event, KmemTraceLine.Parse(line, out KmemEvent ev, out string reason));
        Assert.Equal(string.Empty, reason);
        Assert.Equal(kind, ev.Kind);
        Assert.Equal(pfn, ev.Pfn);
        Assert.Equal(order, ev.Order);
        Assert.Equal(migratetype, ev.Migratetype);
    }

    [Fact]
    public void Extfrag_fields_and_a_failed_allocation_are_read()
    {
        KmemTraceLine.Parse("           mmsim-1       [000] d..1.     0.000003: mm_page_alloc_extfrag: page=ffffea0000008000 pfn=0x200 alloc_order=1 fallback_order=4 pageblock_order=9 alloc_migratetype=2 fallback_migratetype=1 fragmenting=1 change_ownership=0", out KmemEvent ev, out _);
        Assert.Equal((1, 4, 9, 2, 1, false), (ev.Order, ev.FallbackOrder, ev.PageblockOrder, ev.Migratetype, ev.FallbackMigratetype, ev.ChangeOwnership));
        KmemTraceLine.Parse("           mmsim-1       [000] .....     0.000004: mm_page_alloc: page=0000000000000000 pfn=0x0 order=10 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE", out ev, out _);
        Assert.True(ev.NullPage);
    }

    [Theory]
    [InlineData("# tracer: nop")]
    [InlineData("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION")]
    [InlineData("cpus=2")]
    [InlineData("version = 6")]
    [InlineData("")]
    [InlineData("##### CPU 1 buffer started ####")]
    public void Headers_are_not_counted_as_unusable(string line) =>
        Assert.Equal(TraceLineKind.Header, KmemTraceLine.Parse(line, out _, out _));

    // One line per reason, each counted once; nothing used silently disappears.
    [Fact]
    public void Every_unusable_line_is_counted_by_reason()
    {
        const string P = "           mmsim-1       [000] .....     0.000001: ";
        string[] lines =
        [
            P + "mm_page_alloc: page=ffffea0000000000 pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_KERNEL",
            P + "mm_compaction_begin: zone_start=0x0 migrate_pfn=0x0 free_pfn=0x7e00 zone_end=0x8000, mode=async",
            P + "mm_page_free: page=ffffea0000000000 pfn=0xzz order=0",
            P + "mm_page_free: page=ffffea0000000000 pfn=0x20 order=0",
            P + "mm_page_free: page=ffffea0000000000 pfn=0x10 order=x",
            P + "mm_page_alloc: page=ffffea0000000000 pfn=0x8000000 order=0 migratetype=0 gfp_flags=GFP_KERNEL",
            P + "mm_page_alloc: page=ffffea0000000000 pfn=0x11 order=1 migratetype=0 gfp_flags=GFP_KERNEL",
            P + "mm_page_alloc: page=ffffea0000000000 pfn=0x40 order=11 migratetype=0 gfp_flags=GFP_KERNEL",
            P + "mm_page_alloc: page=ffffea0000000000 pfn=0x40 order=0 migratetype=0 gfp_flags=GFP_KERNAL",
            P + "mm_page_alloc: page=0000000000000000 pfn=0x0 order=3 migratetype=0 gfp_flags=GFP_KERNEL",
            "CPU:0 [LOST 12 EVENTS]",
            "garbage",
            P + "mm_page_free: page=ffffea0000000000 pfn=0x10 order=0",
        ];
        TraceImport import = TraceImport.Run(new StringReader(string.Join('\n', lines)), "t.trace", TraceLevel.Page, (pfn, order) => pfn + (1L << order) <= 0x8000);
        Assert.Equal(
            new SortedDictionary<string, long>(StringComparer.Ordinal)
            {
                ["event not replayed: mm_compaction_begin"] = 1,
                ["malformed field: pfn"] = 1,
                ["free of a page the trace never allocated"] = 1,
                ["malformed field: order"] = 1,
                ["pfn outside the machine"] = 1,
                ["pfn not aligned to the order"] = 1,
                ["order above MAX_PAGE_ORDER (10)"] = 1,
                ["gfp_flags mmsim cannot name (none, or bits without a name)"] = 1,
                ["failed allocation (page=NULL): not replayed"] = 1,
                ["lost events (the ring buffer overflowed: the trace has gaps)"] = 1,
                ["not a trace line (no 'TASK-PID [CPU] TIMESTAMP: EVENT:' prefix)"] = 1,
            },
            import.Skipped);
        Assert.Equal("alloc p10 0 GFP_KERNEL\nfree p10\n", import.Script("t.trace").Split("\n\n", 2)[1]);
    }

    [Fact]
    public void Buddy_level_counts_a_drain_of_a_block_never_taken_and_a_double_take()
    {
        const string P = "           mmsim-1       [000] d..1.     0.000001: ";
        string text = string.Join('\n',
            P + "mm_page_alloc_zone_locked: page=ffffea0000000000 pfn=0x10 order=0 migratetype=1 percpu_refill=1",
            P + "mm_page_alloc_zone_locked: page=ffffea0000000000 pfn=0x10 order=0 migratetype=1 percpu_refill=1",
            P + "mm_page_pcpu_drain: page=ffffea0000000000 pfn=0x30 order=0 migratetype=1",
            P + "mm_page_pcpu_drain: page=ffffea0000000000 pfn=0x10 order=0 migratetype=1");
        TraceImport import = TraceImport.Run(new StringReader(text), "t.trace", TraceLevel.Buddy);
        Assert.Equal(1, import.Skipped["free of a page the trace never allocated"]);
        Assert.Equal(1, import.Skipped["allocation of a block the trace already has taken (lost events, or the trace began mid-way)"]);
        Assert.EndsWith("alloc_pfn 0x10 0\nfree_pfn 0x10 0\n", import.Script("t.trace"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_kmem_events_or_with_binary_data_is_one_line_naming_file_and_line()
    {
        var e = Assert.Throws<ImportException>(() => TraceImport.Run(new StringReader("# tracer: nop\nhello\n"), "x.trace", TraceLevel.Page));
        Assert.StartsWith("x.trace:2: trace: no kmem page event", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        e = Assert.Throws<ImportException>(() => TraceImport.Run(new StringReader("cpus=2\ntracing\0\u0001"), "trace.dat", TraceLevel.Page));
        Assert.StartsWith("trace.dat:2: trace: binary data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_new_tracepoints_print_the_kernel_format()
    {
        var w = new StringWriter();
        var t = new FtraceWriter(w, () => 1_000) { BuddyEvents = true };
        t.MmPageAllocZoneLocked(0x200, 1, Mm.MigrateType.Movable, percpuRefill: true);
        t.MmPagePcpuDrain(0x203, 0, Mm.MigrateType.Unmovable);
        Assert.Equal(
            "           mmsim-1       [000] d..1.     0.000001: mm_page_alloc_zone_locked: page=ffffea0000008000 pfn=0x200 order=1 migratetype=1 percpu_refill=1\n" +
            "           mmsim-1       [000] d..1.     0.000001: mm_page_pcpu_drain: page=ffffea00000080c0 pfn=0x203 order=0 migratetype=0\n",
            w.ToString());
        var quiet = new StringWriter();
        new FtraceWriter(quiet, () => 0).MmPagePcpuDrain(1, 0, Mm.MigrateType.Movable);
        Assert.Equal(string.Empty, quiet.ToString());
    }

    // The issue's test: mmsim's own trace (kernel.trace: true), imported and replayed at buddy level, reproduces the
    // run's end state exactly. Several seeds and a fuller machine, so pcp refills, drains, steals and claims all occur.
    [Theory]
    [InlineData(7, "60%", 3000, "{0: 80, 1: 8, 2: 4, 3: 4, 9: 4}")]
    [InlineData(23, "40%", 8000, "{0: 80, 1: 8, 2: 4, 3: 4, 9: 4}")]

    // Orders the pcp does not take (4, 5, 10): their frees reach the buddy directly.
    [InlineData(11, "70%", 8000, "{0: 50, 3: 10, 4: 20, 5: 10, 10: 10}")]
    public void Own_trace_replayed_at_buddy_level_gives_the_same_buddyinfo_and_pagetypeinfo(ulong seed, string fill, int ops, string orders)
    {
        string yaml = File.ReadAllText(Path.Combine(ExampleDir, "small.yaml"))
            .Replace("fill: 60%", $"fill: {fill}", StringComparison.Ordinal).Replace("ops: 3000", $"ops: {ops}", StringComparison.Ordinal)
            .Replace("orders: {0: 80, 1: 8, 2: 4, 3: 4, 9: 4}", $"orders: {orders}", StringComparison.Ordinal);
        ScenarioConfig config = Load(yaml);
        var runner = new ScenarioRunner(config, new RunOptions { Seed = seed });
        var trace = new StringWriter();
        runner.Run(new FtraceWriter(trace, () => runner.NowNs) { BuddyEvents = true });
        string buddyinfo = Mm.Vmstat.ProcBuddyinfo.Render(runner.Allocator!.Node);
        string pagetypeinfo = Mm.Vmstat.ProcPagetypeinfo.Render(runner.Allocator!.Node);

        TraceImport import = TraceImport.Run(new StringReader(trace.ToString()), "trace.txt", TraceLevel.Buddy);
        Assert.Empty(import.Skipped);
        Assert.True(import.Written.GetValueOrDefault("alloc_pfn") > 0 && import.Written.GetValueOrDefault("free_pfn") > 0 && import.Written.GetValueOrDefault("claim_pfn") > 0, string.Join(", ", import.Written));
        OpScript script = Parse(import.Script("trace.txt"));
        TraceReplayResult replay = TraceReplay.Run(config, "trace.ops", script, new RunOptions { Seed = seed });

        Assert.Equal(0, replay.Stats.AllocFailures);
        Assert.Equal(0, replay.Stats.FreesIgnored);
        Assert.Equal(buddyinfo, replay.Buddyinfo);
        Assert.Equal(pagetypeinfo, replay.Pagetypeinfo);
    }

    // With kernel.pcp: false every free goes straight to the buddy and no drain line exists: --pcp-off says so.
    [Fact]
    public void Own_trace_of_a_kernel_without_pcp_replays_exactly_with_pcp_off()
    {
        string yaml = File.ReadAllText(Path.Combine(ExampleDir, "small.yaml")).Replace("  page_owner: false\n", "  page_owner: false\n  pcp: false\n", StringComparison.Ordinal);
        ScenarioConfig config = Load(yaml);
        var runner = new ScenarioRunner(config, new RunOptions());
        var trace = new StringWriter();
        runner.Run(new FtraceWriter(trace, () => runner.NowNs) { BuddyEvents = true });
        TraceImport import = TraceImport.Run(new StringReader(trace.ToString()), "trace.txt", TraceLevel.Buddy, pcpOff: true);
        Assert.Empty(import.Skipped);
        TraceReplayResult replay = TraceReplay.Run(config, "trace.ops", Parse(import.Script("trace.txt")), new RunOptions());
        Assert.Equal(Mm.Vmstat.ProcBuddyinfo.Render(runner.Allocator!.Node), replay.Buddyinfo);
        Assert.Equal(Mm.Vmstat.ProcPagetypeinfo.Render(runner.Allocator!.Node), replay.Pagetypeinfo);
    }

    // A buddy-level replay that skips a line must not pass by accident: dropping one drain changes the end state.
    [Fact]
    public void Dropping_one_buddy_operation_changes_the_end_state()
    {
        ScenarioConfig config = Load(File.ReadAllText(Path.Combine(ExampleDir, "small.yaml")));
        TraceImport import = TraceImport.Run(new StreamReader(Path.Combine(ExampleDir, "trace.txt")), "trace.txt", TraceLevel.Buddy);
        string text = import.Script("trace.txt");
        int drop = text.LastIndexOf("\nfree_pfn ", StringComparison.Ordinal);
        string dropped = text[..drop] + text[text.IndexOf('\n', drop + 1)..];
        TraceReplayResult replay = TraceReplay.Run(config, "trace.ops", Parse(dropped), new RunOptions());
        Assert.NotEqual(File.ReadAllText(Path.Combine(ExampleDir, "proc", "buddyinfo")), replay.Buddyinfo);
    }

    // The shipped example stays true: its trace, replayed at buddy level, gives its shipped proc files.
    [Fact]
    public void Shipped_example_trace_replays_to_its_shipped_snapshots()
    {
        ScenarioConfig config = Load(File.ReadAllText(Path.Combine(ExampleDir, "small.yaml")));
        TraceImport import = TraceImport.Run(new StreamReader(Path.Combine(ExampleDir, "trace.txt")), "trace.txt", TraceLevel.Buddy);
        TraceReplayResult replay = TraceReplay.Run(config, "trace.ops", Parse(import.Script("trace.txt")), new RunOptions());
        Assert.Equal(File.ReadAllText(Path.Combine(ExampleDir, "proc", "buddyinfo")), replay.Buddyinfo);
        Assert.Equal(File.ReadAllText(Path.Combine(ExampleDir, "proc", "pagetypeinfo")), replay.Pagetypeinfo);
    }

    // Page level hands each allocation to the model: the script runs, every allocation and free of the trace replayed.
    [Fact]
    public void Page_level_import_of_the_example_replays_every_allocation_and_free()
    {
        ScenarioConfig config = Load(File.ReadAllText(Path.Combine(ExampleDir, "small.yaml")));
        TraceImport import = TraceImport.Run(new StreamReader(Path.Combine(ExampleDir, "trace.txt")), "trace.txt", TraceLevel.Page);
        Assert.All(import.Skipped.Keys, k => Assert.StartsWith("buddy-level event", k, StringComparison.Ordinal));
        TraceReplayResult replay = TraceReplay.Run(config, "trace.ops", Parse(import.Script("trace.txt")), new RunOptions());
        Assert.Equal(import.Written["alloc"], replay.Stats.Allocs);
        Assert.Equal(import.Written["free"], replay.Stats.Frees);
        Assert.Equal(0, replay.Stats.FreesIgnored);
    }

    private static ScenarioConfig Load(string yaml)
    {
        LoadResult r = ScenarioLoader.LoadFromString(yaml, Path.Combine(ExampleDir, "small.yaml"));
        Assert.Empty(r.Errors);
        return r.Config!;
    }

    private static OpScript Parse(string text)
    {
        var errors = new List<ScenarioError>();
        OpScript? script = OpScript.Parse(new StringReader(text), "trace.ops", errors);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return script!;
    }
}
