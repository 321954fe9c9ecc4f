using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Scenario;
using MmSim.Tests.Scenario;
using MmSim.Tests.Support;
using MmSim.Workloads;

namespace MmSim.Tests.Import;

/// <summary>
/// Issue 11 item 7: the buddy-level op-script verbs (load-time checks with file and line, what they do to the free
/// lists) and <c>mmsim replay</c> with its comparison table, CSV and exit codes.
/// </summary>
[Collection("Console")]
public sealed class ReplayTests : IDisposable
{
    private static readonly string ExampleDir = Path.Combine(TestFiles.RepoRoot, "scenarios", "examples", "trace");

    private readonly string dir = Directory.CreateTempSubdirectory("mmsim-replay").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("free_pfn 0x10 0", "f.ops:1:10: no block taken by an 'alloc_pfn' line above")]
    [InlineData("alloc_pfn 0x11 1", "f.ops:1:11: PFN 0x11 is not a multiple of 2^1")]
    [InlineData("alloc_pfn 0x10 11", "f.ops:1:16: order '11' is not a whole number from 0 to 10")]
    [InlineData("alloc_pfn 0xg 0", "f.ops:1:11: PFN '0xg' is not a page frame number")]
    [InlineData("claim_pfn 0x200 9 Movabel", "f.ops:1:19: migratetype 'Movabel' is not one of Unmovable, Movable")]
    [InlineData("alloc_pfn 0x10 1\nalloc_pfn 0x11 0", "f.ops:2:11: the block overlaps 0x10 order 1, still taken by line 1")]
    [InlineData("alloc_pfn 0x10 0\nfree_pfn 0x10 0\nfree_pfn 0x10 0", "f.ops:3:10: no block taken")]
    [InlineData("alloc_pfn 0x10", "f.ops:1:1: 'alloc_pfn' takes 2 fields")]
    public void Bad_pfn_lines_are_load_errors_with_file_line_and_column(string text, string start)
    {
        var errors = new List<ScenarioError>();
        Assert.Null(OpScript.Parse(new StringReader(text), "f.ops", errors));
        Assert.StartsWith(start, Assert.Single(errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_piece_of_a_taken_block_may_be_freed_and_the_rest_stays_taken()
    {
        var errors = new List<ScenarioError>();
        OpScript? s = OpScript.Parse(new StringReader("alloc_pfn 0x200 3\nfree_pfn 0x203 0\nfree_pfn 0x200 0\nfree_pfn 0x203 0"), "f.ops", errors);
        Assert.Null(s);
        Assert.StartsWith("f.ops:4:", Assert.Single(errors).ToString(), StringComparison.Ordinal);
    }

    // alloc_pfn splits the free block as expand() would; free_pfn merges it back; claim_pfn retypes the block.
    [Fact]
    public void Pfn_verbs_take_split_merge_and_claim_on_the_free_lists()
    {
        PageAllocator alloc = MmInit.Boot(new MachineSpec([new ZoneSpec(ZoneType.Normal, 2048)], []), new PageAllocOptions());
        Zone zone = alloc.Node.Zones.First(z => z.IsPopulated);
        long free = Free(zone);
        var errors = new List<ScenarioError>();
        OpScript script = OpScript.Parse(new StringReader("alloc_pfn 0x1 0\nclaim_pfn 0x0 0 Unmovable\nalloc_pfn 0x8 3"), "f.ops", errors)!;
        Assert.Empty(errors);
        var replay = new OpScriptReplay(alloc, script);
        replay.Step();
        Assert.Equal(free - 1, Free(zone));

        // The order-10 block at 0 split down to PFN 1: PFN 0 (order 0), 2 (1), 4 (2), 8 (3), ... 512 (9) are free.
        for (int o = 0; o < MmConstants.MaxPageOrder; o++)
        {
            Assert.Equal(1, zone.NrFree[o]);
        }

        replay.Step();
        Assert.Equal(MigrateType.Unmovable, alloc.Node.PageblockMigratetype(0));
        Assert.Equal(MigrateType.Movable, alloc.Node.PageblockMigratetype(512));
        replay.Step();
        Assert.Equal(0, zone.NrFree[3]);
        Assert.True(alloc.FreeBlockAtPfn(8, 3));
        Assert.True(alloc.FreeBlockAtPfn(1, 0));
        Assert.Equal(free, Free(zone));
        // Unmovable and Movable are both mergeable: the order-10 block is whole again and, as __free_one_page does,
        // the buddy pageblock takes the freed block's type.
        Assert.Equal(2, zone.NrFree[MmConstants.MaxPageOrder]);
        Assert.Equal(MigrateType.Unmovable, alloc.Node.PageblockMigratetype(512));
    }

    private static long Free(Zone zone) => zone.VmStat[(int)Mm.Stat.ZoneStatItem.NrFreePages];

    [Fact]
    public void Replay_against_the_shipped_snapshots_is_identical_and_a_changed_snapshot_shows_the_difference()
    {
        string ops = Path.Combine(dir, "b.ops");
        var import = MmsimCli.Run("trace", "import", Path.Combine(ExampleDir, "trace.txt"), "--level", "buddy", "--out", ops);
        Assert.Equal(0, import.Code);
        Assert.Contains("0 lines not used", import.Err, StringComparison.Ordinal);
        string machine = Path.Combine(ExampleDir, "small.yaml");
        string pagetypeinfo = Path.Combine(ExampleDir, "proc", "pagetypeinfo");
        var same = MmsimCli.Run("replay", ops, "--machine", machine, "--buddyinfo", Path.Combine(ExampleDir, "proc", "buddyinfo"), "--pagetypeinfo", pagetypeinfo, "--fail-on-diff");
        Assert.Equal(0, same.Code);
        Assert.Contains("identical: all 83 compared numbers match", same.Out, StringComparison.Ordinal);

        // One more free order-0 block than the simulation has.
        string[] lines = File.ReadAllLines(Path.Combine(ExampleDir, "proc", "buddyinfo"));
        string[] cells = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long order0 = long.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture);
        string changed = Path.Combine(dir, "buddyinfo");
        File.WriteAllText(changed, $"Node 0, zone DMA32 {order0 + 5} {string.Join(' ', cells[5..])}\n");
        string csv = Path.Combine(dir, "diff.csv");
        var diff = MmsimCli.Run("replay", ops, "--machine", machine, "--buddyinfo", changed, "--pagetypeinfo", pagetypeinfo, "--csv", csv);
        Assert.Equal(0, diff.Code);
        Assert.Contains("1 of 83 compared numbers differ", diff.Out, StringComparison.Ordinal);
        Assert.Matches(@"│ buddyinfo │ DMA32 │\s+│\s+0 │\s+\d+ │\s+\d+ │\s+-5 │", diff.Out);
        Assert.Contains($"buddyinfo,DMA32,,0,{order0},{order0 + 5},-5\n", File.ReadAllText(csv), StringComparison.Ordinal);
        Assert.Equal(1, MmsimCli.Run("replay", ops, "--machine", machine, "--buddyinfo", changed, "--fail-on-diff").Code);
    }

    // The real 6.18 sample: its zoneinfo imported as the machine, its buddyinfo and pagetypeinfo (no CONFIG_CMA, so no
    // CMA row or column) as the capture. The CMA rows are one-sided (n/a), not differences.
    [Fact]
    public void Replay_on_an_imported_real_machine_compares_with_its_real_snapshots()
    {
        string samples = Path.Combine(TestFiles.RepoRoot, "tests", "MmSim.Tests", "Golden", "samples-6.18");
        string machine = Path.Combine(dir, "box.yaml");
        Assert.Equal(0, MmsimCli.Run("machine", "import", Path.Combine(samples, "zoneinfo"), "--out", machine).Code);
        string ops = Path.Combine(dir, "b.ops");
        Assert.Equal(0, MmsimCli.Run("trace", "import", Path.Combine(ExampleDir, "trace.txt"), "--level", "buddy", "--machine", machine, "--out", ops).Code);
        string csv = Path.Combine(dir, "box.csv");
        var r = MmsimCli.Run("replay", ops, "--machine", machine, "--buddyinfo", Path.Combine(samples, "buddyinfo"), "--pagetypeinfo", Path.Combine(samples, "pagetypeinfo"), "--csv", csv);
        Assert.Equal(0, r.Code);
        Assert.Matches(@"\d+ of \d+ compared numbers differ; \d+ rows only one side has", r.Out);
        string text = File.ReadAllText(csv);
        Assert.Contains("pagetypeinfo blocks,DMA32,CMA,,0,,\n", text, StringComparison.Ordinal);
        Assert.Contains("pagetypeinfo blocks,DMA32,Movable,,", text, StringComparison.Ordinal);
        Assert.Contains("buddyinfo,Normal,,10,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_inputs_are_one_line_and_exit_2()
    {
        string machine = Path.Combine(ExampleDir, "small.yaml");
        AssertOneLine(MmsimCli.Run("trace", "import", Path.Combine(dir, "none.trace")), "no such file");
        string bin = Path.Combine(dir, "trace.dat");
        File.WriteAllBytes(bin, [0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67, 0, 0, 0]);
        AssertOneLine(MmsimCli.Run("trace", "import", bin), "trace.dat:1: trace: binary data");
        string ops = Path.Combine(dir, "x.ops");
        File.WriteAllText(ops, "alloc_pfn 0x0 0\nfree_pfn 0x8 0\n");
        AssertOneLine(MmsimCli.Run("replay", ops, "--machine", machine), "x.ops:2:10:");
        File.WriteAllText(ops, "alloc_pfn 0x0 0\n");
        string bad = Path.Combine(dir, "buddyinfo");
        File.WriteAllText(bad, "Node 0, zone DMA32 1 2 x\n");
        AssertOneLine(MmsimCli.Run("replay", ops, "--machine", machine, "--buddyinfo", bad), "buddyinfo:1: buddyinfo: 'x' is not a count");
        AssertOneLine(MmsimCli.Run("trace", "import", Path.Combine(ExampleDir, "trace.txt"), "--level", "slab"), "--level: expected page or buddy");
    }

    private static void AssertOneLine((int Code, string Out, string Err) r, string contains)
    {
        Assert.Equal(2, r.Code);
        string[] lines = r.Err.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.Contains(contains, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }
}
