using MmSim.Runs.Compare;
using static MmSim.Tests.Compare.CompareFixtures;

namespace MmSim.Tests.Compare;

/// <summary>The table's cells: t-based intervals, "n/a" instead of "± 0" for one seed, the partial-count mark, outcomes.</summary>
public class CompareTableTests
{
    [Fact]
    public void Every_metric_has_a_row_and_every_design_a_cell()
    {
        CompareTable t = CompareTable.Build(Result(Row("a", 1), Row("b", 1)));
        Assert.Equal(CompareColumns.Names.Skip(2), t.Rows.Select(r => r.Column));
        Assert.All(t.Rows, r => Assert.Equal(2, r.Cells.Count));
    }

    [Fact]
    public void Three_seeds_give_the_t_interval_and_one_seed_gives_na_not_plus_minus_zero()
    {
        // hung 1, 2, 3: mean 2, sd 1, t(2) = 4.303 -> 4.303 / sqrt(3) = 2.48
        CompareTable three = CompareTable.Build(Result(Row("a", 1, hung: 1), Row("a", 2, hung: 2), Row("a", 3, hung: 3)));
        Assert.Equal("2 ± 2.48", Cell(three, "hung_tasks"));
        CompareTable one = CompareTable.Build(Result(Row("a", 1, hung: 4)));
        Assert.Equal("4 ± n/a", Cell(one, "hung_tasks"));
    }

    [Fact]
    public void Runs_with_nothing_to_count_are_left_out_and_marked()
    {
        CompareTable t = CompareTable.Build(Result(Row("a", 1, cma: 100), Row("a", 2, cma: null), Row("a", 3, cma: 50)));
        Assert.Equal("75 ± 318 (2/3)", Cell(t, "cma_success_pct"));
        CompareTable none = CompareTable.Build(Result(Row("a", 1, cma: null)));
        Assert.Equal("n/a", Cell(none, "cma_success_pct"));
    }

    [Fact]
    public void The_offline_outcome_counts_each_word_most_frequent_first()
    {
        CompareTable t = CompareTable.Build(Result(Row("a", 1, offline: "ok"), Row("a", 2, offline: "hung"), Row("a", 3, offline: "hung")));
        Assert.Equal("hung×2 ok×1", Cell(t, "offline_outcome"));
    }

    private static string Cell(CompareTable t, string column) => t.Rows.Single(r => r.Column == column).Cells[0];
}
