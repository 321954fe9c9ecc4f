using MmSim.Runs.Compare;
using static MmSim.Tests.Compare.CompareFixtures;

namespace MmSim.Tests.Compare;

/// <summary>The verdicts are computed from the rows: change a number in the fixture and the answer changes.</summary>
public class VerdictTests
{
    [Fact]
    public void The_questions_come_in_a_fixed_order()
    {
        IReadOnlyList<Verdict> v = Verdicts.Derive(Result(Row("a", 1)));
        Assert.Equal(["cma_offline", "fragmentation", "memory_cost", "throughput_cost", "deadlock"], v.Select(x => x.Id));
    }

    [Fact]
    public void Cma_and_offline_name_the_designs_that_work_and_how_the_others_fail()
    {
        CompareRow[] rows = [.. Three("temp", s => Row("temp", s)), .. Three("folio", s => Row("folio", s, cma: 0, offline: "hung"))];
        Assert.Equal(
            "working in every run: temp; not working: folio (cma_alloc failed in 3/3 runs; offline hung 3/3)",
            Answer(Result(rows), "cma_offline"));

        // One seed of "temp" now fails its offline with -EBUSY: the answer follows the number.
        rows[1] = rows[1] with { OfflineOutcome = "ebusy" };
        Assert.Equal(
            "no design kept both working; not working: temp (offline ebusy 1/3), folio (cma_alloc failed in 3/3 runs; offline hung 3/3)",
            Answer(Result(rows), "cma_offline"));

        Assert.StartsWith("no run made a cma_alloc or an offline", Answer(Result(Row("a", 1, cma: null, offline: "none")), "cma_offline"), StringComparison.Ordinal);
    }

    [Fact]
    public void Fragmentation_names_the_least_and_says_when_the_intervals_overlap()
    {
        // a: 10, 11, 12 blocks; b: 30, 31, 32; c: 11, 12, 13 — a and c overlap, b is apart.
        CompareRow[] rows =
        [
            .. Three("a", s => Row("a", s, mixed: 9 + (long)s)),
            .. Three("b", s => Row("b", s, mixed: 29 + (long)s)),
            .. Three("c", s => Row("c", s, mixed: 10 + (long)s)),
        ];
        string answer = Answer(Result(rows), "fragmentation");
        Assert.StartsWith("a, c fragment least: a has the extreme mean (11 ± 2.48 pageblocks) but the 95 % intervals of c overlap it", answer, StringComparison.Ordinal);

        // Move c far away: a alone.
        CompareRow[] apart = [.. rows.Select(r => r.Design == "c" ? r with { MixedBlocks = r.MixedBlocks + 100 } : r)];
        Assert.Equal("a fragments least (11 ± 2.48 pageblocks); its 95 % interval overlaps no other design's", Answer(Result(apart), "fragmentation"));

        // Every interval overlapping: no clear difference.
        CompareRow[] close = [.. rows.Select(r => r.Design == "b" ? r with { MixedBlocks = r.MixedBlocks - 19 } : r)];
        Assert.StartsWith("no clear difference: the 95 % intervals of all 3 designs overlap", Answer(Result(close), "fragmentation"), StringComparison.Ordinal);
    }

    [Fact]
    public void One_seed_says_there_are_no_intervals()
    {
        string answer = Answer(Result(Row("a", 1, tempMib: 21), Row("b", 1, tempMib: 0)), "memory_cost");
        Assert.Equal("a costs most memory (21 ± n/a MiB of temp pages; one seed, no intervals)", answer);
    }

    [Fact]
    public void Memory_and_throughput_costs_follow_the_numbers()
    {
        CompareRow[] rows = [.. Three("temp", s => Row("temp", s, tempMib: 20 + s, mibps: 2 + (s / 10.0))), .. Three("folio", s => Row("folio", s, mibps: 3 + (s / 10.0)))];
        Assert.StartsWith("temp costs most memory", Answer(Result(rows), "memory_cost"), StringComparison.Ordinal);
        Assert.StartsWith("temp writes back slowest", Answer(Result(rows), "throughput_cost"), StringComparison.Ordinal);
        CompareRow[] noTemp = [.. rows.Select(r => r with { TempPagesPeakMib = 0 })];
        Assert.StartsWith("no design used temp pages", Answer(Result(noTemp), "memory_cost"), StringComparison.Ordinal);
    }

    [Fact]
    public void Deadlock_names_designs_with_a_cycle_apart_from_those_with_only_hung_tasks()
    {
        CompareRow[] rows = [.. Three("v1", s => Row("v1", s, deadlocks: s == 2 ? 1 : 0, hung: 1)), .. Three("flag", s => Row("flag", s, hung: s == 3 ? 2 : 0)), .. Three("ok", s => Row("ok", s))];
        Assert.Equal("deadlocked: v1 (1/3 runs); hung tasks but no cycle: flag (1/3 runs)", Answer(Result(rows), "deadlock"));
        CompareRow[] calm = [.. rows.Select(r => r with { Deadlocks = 0, HungTasks = 0 })];
        Assert.Equal("no design deadlocked in 9 runs of this scenario; no other design left a task hung", Answer(Result(calm), "deadlock"));
    }

    private static IEnumerable<CompareRow> Three(string design, Func<ulong, CompareRow> make) => [make(1), make(2), make(3)];

    private static string Answer(CompareResult r, string id) => Verdicts.Derive(r).Single(v => v.Id == id).Answer;
}
