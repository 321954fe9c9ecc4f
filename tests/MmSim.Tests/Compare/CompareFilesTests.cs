using MmSim.Runs.Compare;
using Parquet;
using Parquet.Schema;
using static MmSim.Tests.Compare.CompareFixtures;

namespace MmSim.Tests.Compare;

/// <summary>compare.csv, compare.parquet and compare.json: the stable columns scripts depend on, and a lossless read-back.</summary>
public class CompareFilesTests
{
    // The columns the issue names, in order: a rename or reorder breaks users' scripts and must fail here first.
    private static readonly string[] Stable =
    [
        "design", "seed", "huge_pct", "compact_success_pct", "free_order9_blocks", "unmovable_blocks", "mixed_blocks",
        "cma_success_pct", "cma_latency_ms", "offline_outcome", "offline_latency_ms", "temp_pages_peak_mib",
        "writeback_mibps", "hung_tasks", "deadlocks", "oom_kills",
    ];

    [Fact]
    public void The_csv_has_the_stable_columns_and_leaves_values_with_nothing_to_count_empty()
    {
        string[] lines = CompareFiles.Csv([Row("linux-6.18", 7, cma: null, offline: "none")]).TrimEnd('\n').Split('\n');
        Assert.Equal(Stable, lines[0].Split(','));
        Assert.Equal("linux-6.18,7,100,100,10,0,0,,,none,,0,10,0,0,0", lines[1]);
    }

    [Fact]
    public async Task The_parquet_file_has_the_same_columns_typed_with_nulls()
    {
        byte[] bytes = CompareFiles.Parquet([Row("a", 1, cma: null), Row("b", 2, cma: 50)]);
        using var ms = new MemoryStream(bytes);
        await using ParquetReader reader = await ParquetReader.CreateAsync(ms, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Stable, reader.Schema.GetDataFields().Select(f => f.Name));
        using ParquetRowGroupReader rg = reader.OpenRowGroupReader(0);
        DataField cma = reader.Schema.GetDataFields().Single(f => f.Name == "cma_success_pct");
        var values = new double?[rg.RowCount];
        await rg.ReadAsync(cma, values.AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(new double?[] { null, 50 }, values);
    }

    [Fact]
    public void Compare_json_reads_back_to_the_same_comparison()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-compare-files").FullName;
        CompareResult r = Result(Row("a", 1, cma: null, offline: "none"), Row("a", 2, hung: 3), Row("b", 1, tempMib: 1.5));
        CompareFiles.Write(r, dir);
        CompareResult back = CompareFiles.Read(dir)!;
        Assert.Equal(r.Rows, back.Rows);
        Assert.Equal(r.Designs, back.Designs);
        Assert.Equal(r.Seeds, back.Seeds);
        Assert.Equal(r.Command, back.Command);
        Assert.Equal(CompareTable.Build(r), CompareTable.Build(back), new TableComparer());
        Assert.Null(CompareFiles.Read(Path.Combine(dir, "nothing-here")));
        Directory.Delete(dir, recursive: true);
    }

    private sealed class TableComparer : IEqualityComparer<CompareTable>
    {
        public bool Equals(CompareTable? x, CompareTable? y) =>
            x!.Title == y!.Title && x.Rows.Select(r => string.Join('|', r.Cells)).SequenceEqual(y.Rows.Select(r => string.Join('|', r.Cells)));

        public int GetHashCode(CompareTable obj) => obj.Title.GetHashCode(StringComparison.Ordinal);
    }
}
