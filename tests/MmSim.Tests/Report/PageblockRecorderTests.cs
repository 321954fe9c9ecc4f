using MmSim.Mm;
using MmSim.Runs;
using MmSim.Runs.TimeSeries;
using MmSim.Scenario;
using MmSim.Tests.Scenario;
using Parquet;
using Parquet.Schema;

namespace MmSim.Tests.Report;

/// <summary>
/// pageblocks.parquet (issue 10, the pageblock map's data) on the shipped stalled-FUSE-server scenario: every
/// pageblock at every sample, the last snapshot agreeing with summary.json, marks where the scenario puts them,
/// and the same bytes on a rerun.
/// </summary>
public sealed class PageblockRecorderTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mmsim-pageblocks-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static ScenarioConfig Stalled() =>
        ScenarioLoader.Load(Path.Combine(TestFiles.RepoRoot, "scenarios", "default.yaml")).Config
            ?? throw new InvalidOperationException("default.yaml (the stalled FUSE server) does not load");

    [Fact]
    public async Task The_last_snapshot_matches_the_summary_and_every_sample_has_every_pageblock()
    {
        string dir = Path.Combine(root, "run");
        RunSummary summary = RunFolder.Execute(Stalled(), new RunOptions(), dir);
        Table t = await Table.ReadAsync(Path.Combine(dir, TimeSeriesWriter.PageblocksFile));

        long[] times = [.. t.TimeNs.Distinct().Order()];
        Assert.Equal(summary.TimeSeriesSamples, times.Length);
        Assert.Equal(summary.DurationNs, times[^1]);

        // Every snapshot lists the same blocks, once each, aligned.
        long[] firstPfns = [.. Enumerable.Range(0, (int)t.Rows).Where(i => t.TimeNs[i] == 0).Select(i => t.Pfn[i])];
        Assert.Equal(firstPfns.Length, firstPfns.Distinct().Count());
        Assert.Equal(firstPfns.Length * (long)times.Length, t.Rows);
        Assert.All(firstPfns, p => Assert.Equal(0, p % MmConstants.PageblockNrPages));

        // Per-migratetype counts of the populated zones at the last snapshot are summary.json's pageblocks.
        var populated = summary.Zones.Select(z => z.Name).ToHashSet();
        var last = new long[MigrateTypes.Count];
        long used = 0;
        for (int i = 0; i < t.Rows; i++)
        {
            if (t.TimeNs[i] == times[^1])
            {
                Assert.Equal(firstPfns[i % firstPfns.Length], t.Pfn[i]);
                Assert.InRange(t.UsedPages[i], 0, MmConstants.PageblockNrPages);
                used += t.UsedPages[i];
                if (populated.Contains(t.Zone[i]))
                {
                    last[Array.IndexOf(MigrateTypes.Names, t.Migratetype[i])]++;
                }
            }
        }

        Assert.Equal(summary.Pageblocks, last);
        Assert.True(used > 0);
    }

    [Fact]
    public async Task Used_pages_add_up_to_what_is_managed_and_not_free()
    {
        // Untimed churn: nothing isolated (cma_alloc, offlining and compaction keep free pages off NR_FREE_PAGES
        // while they run), so allocated = managed − buddy free − per-cpu free exactly.
        ScenarioConfig config = TestFiles.LoadOk(
            "version: 1\nname: pageblocks-test\nseed: 3\nmachine:\n  zones:\n    - name: DMA\n      size: 16MiB\n      reserved: 1MiB\n"
            + "    - name: DMA32\n      size: 240MiB\nworkloads:\n  - type: churn\n    ops: 20000\n    fill: 60%\n");
        string dir = Path.Combine(root, "churn");
        RunSummary summary = RunFolder.Execute(config, new RunOptions(), dir);
        Table t = await Table.ReadAsync(Path.Combine(dir, TimeSeriesWriter.PageblocksFile));
        long lastTime = t.TimeNs.Max();
        long used = 0;
        long usedAtBoot = 0;
        for (int i = 0; i < t.Rows; i++)
        {
            used += t.TimeNs[i] == lastTime ? t.UsedPages[i] : 0;
            usedAtBoot += t.TimeNs[i] == 0 ? t.UsedPages[i] : 0;
        }

        Assert.Equal(summary.Zones.Sum(z => z.Managed - z.Free - z.PcpCount), used);
        Assert.True(used > usedAtBoot * 10, $"churn to 60 % left {used} pages allocated, {usedAtBoot} at boot");
        Assert.Equal(2 * summary.Pageblocks.Sum(), t.Rows);
    }

    [Fact]
    public async Task A_stalled_server_leaves_blocks_marked_under_writeback_and_unmovable()
    {
        string dir = Path.Combine(root, "marks");
        RunSummary summary = RunFolder.Execute(Stalled(), new RunOptions(), dir);
        Table t = await Table.ReadAsync(Path.Combine(dir, TimeSeriesWriter.PageblocksFile));
        long lastTime = t.TimeNs.Max();
        bool writebackAtEnd = false;
        bool writebackAtStart = false;
        bool unmovable = false;
        long unmovableElsewhereAtEnd = 0;
        for (int i = 0; i < t.Rows; i++)
        {
            var marks = (PageblockMarks)t.Marks[i];
            writebackAtEnd |= t.TimeNs[i] == lastTime && marks.HasFlag(PageblockMarks.Writeback);
            writebackAtStart |= t.TimeNs[i] == 0 && marks.HasFlag(PageblockMarks.Writeback);
            unmovable |= marks.HasFlag(PageblockMarks.Unmovable);
            if (t.TimeNs[i] == lastTime && marks.HasFlag(PageblockMarks.Unmovable) && t.Migratetype[i] != "Unmovable")
            {
                unmovableElsewhereAtEnd++;
            }
        }

        // The server stops at 2 s with writeback in flight: folios stay under writeback to the end; none at boot.
        Assert.True(writebackAtEnd, "no block under writeback at the end of a stalled-server run");
        Assert.False(writebackAtStart, "a block under writeback at boot");
        Assert.True(unmovable, "no block holds an unmovable allocation");

        // An unmovable allocation in a block of another type makes it mixed (page_owner's rule), so such blocks
        // are at most the mixed blocks of the other types.
        long mixedOther = summary.MixedBlocks.Sum() - summary.MixedBlocks[(int)MigrateType.Unmovable];
        Assert.InRange(unmovableElsewhereAtEnd, 0, mixedOther);
    }

    [Fact]
    public void Rerunning_gives_the_same_pageblocks_parquet_and_another_seed_does_not()
    {
        string a = Path.Combine(root, "a");
        string b = Path.Combine(root, "b");
        string c = Path.Combine(root, "c");
        RunFolder.Execute(Stalled(), new RunOptions(), a);
        RunFolder.Execute(Stalled(), new RunOptions(), b);
        RunFolder.Execute(Stalled(), new RunOptions { Seed = 2 }, c);
        byte[] fa = File.ReadAllBytes(Path.Combine(a, TimeSeriesWriter.PageblocksFile));
        Assert.Equal(fa, File.ReadAllBytes(Path.Combine(b, TimeSeriesWriter.PageblocksFile)));
        Assert.NotEqual(fa, File.ReadAllBytes(Path.Combine(c, TimeSeriesWriter.PageblocksFile)));
    }

    [Theory]
    [InlineData(256, 25, 1)]
    [InlineData(65536, 100_000, 1)]
    [InlineData(65537, 62, 2)]
    [InlineData(131072, 3601, 118)]
    public void Big_machines_keep_one_sample_in_k(long pageblocks, long samples, int stride)
    {
        Assert.Equal(stride, PageblockRecorder.StrideFor(pageblocks, samples));

        // Kept: every stride-th sample and the last, so at most two snapshots over the budget.
        long kept = ((samples + stride - 1) / stride) + 1;
        if (pageblocks > PageblockRecorder.SubsampleAbovePageblocks)
        {
            Assert.True(kept * pageblocks <= PageblockRecorder.RowBudget + (2 * pageblocks), $"{kept * pageblocks} rows");
        }
    }

    private sealed record Table(long Rows, long[] TimeNs, string[] Zone, long[] Pfn, string[] Migratetype, int[] UsedPages, int[] Marks)
    {
        public static async Task<Table> ReadAsync(string path)
        {
            await using ParquetReader r = await ParquetReader.CreateAsync(path);
            DataField[] f = r.Schema.GetDataFields();
            Assert.Equal(["time_ns", "zone", "pfn", "migratetype", "used_pages", "marks"], f.Select(x => x.Name));
            using ParquetRowGroupReader rg = r.OpenRowGroupReader(0);
            long n = rg.RowCount;
            var time = new long[n];
            var zone = new string?[n];
            var pfn = new long[n];
            var mt = new string?[n];
            var used = new int[n];
            var marks = new int[n];
            await rg.ReadAsync(f[0], time.AsMemory());
            await rg.ReadAsync(f[1], zone.AsMemory());
            await rg.ReadAsync(f[2], pfn.AsMemory());
            await rg.ReadAsync(f[3], mt.AsMemory());
            await rg.ReadAsync(f[4], used.AsMemory());
            await rg.ReadAsync(f[5], marks.AsMemory());
            return new Table(n, time, [.. zone.Select(s => s!)], pfn, [.. mt.Select(s => s!)], used, marks);
        }
    }
}
