using MmSim.Runs.Sweep;

namespace MmSim.Tests.Sweep;

/// <summary>Which indices one invocation runs: --index, --shard, JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, all.</summary>
public class SweepIndicesTests
{
    [Fact]
    public void JobCompletionIndex_selects_that_one_index()
    {
        Assert.True(Resolve(null, null, [("JOB_COMPLETION_INDEX", "5")], out IReadOnlyList<int> indices, out string source, out _));
        Assert.Equal([5], indices);
        Assert.Equal("JOB_COMPLETION_INDEX", source);
    }

    [Fact]
    public void SlurmArrayTaskId_selects_that_one_index()
    {
        Assert.True(Resolve(null, null, [("SLURM_ARRAY_TASK_ID", "2")], out IReadOnlyList<int> indices, out string source, out _));
        Assert.Equal([2], indices);
        Assert.Equal("SLURM_ARRAY_TASK_ID", source);
    }

    [Fact]
    public void Precedence_is_index_then_shard_then_kubernetes_then_slurm()
    {
        (string, string)[] both = [("JOB_COMPLETION_INDEX", "3"), ("SLURM_ARRAY_TASK_ID", "4")];
        Assert.True(Resolve(1, null, both, out IReadOnlyList<int> a, out _, out _));
        Assert.Equal([1], a);
        Assert.True(Resolve(null, "1/3", both, out IReadOnlyList<int> b, out _, out _));
        Assert.Equal([1, 4, 7], b);
        Assert.True(Resolve(null, null, both, out IReadOnlyList<int> c, out _, out _));
        Assert.Equal([3], c);
    }

    [Fact]
    public void Nothing_set_means_every_index()
    {
        Assert.True(Resolve(null, null, [], out IReadOnlyList<int> indices, out string source, out _));
        Assert.Equal(Enumerable.Range(0, 10), indices);
        Assert.Equal("all", source);
    }

    [Theory]
    [InlineData(null, null, "JOB_COMPLETION_INDEX", "10", "JOB_COMPLETION_INDEX 10: the sweep has indices 0 .. 9")]
    [InlineData(null, null, "SLURM_ARRAY_TASK_ID", "x", "SLURM_ARRAY_TASK_ID='x' is not an index (a whole number from 0)")]
    [InlineData(-1, null, "", "", "--index -1: the sweep has indices 0 .. 9")]
    [InlineData(null, "2/2", "", "", "--shard '2/2': expected I/N with 0 <= I < N, e.g. 0/4")]
    [InlineData(null, "1", "", "", "--shard '1': expected I/N with 0 <= I < N, e.g. 0/4")]
    [InlineData(1, "0/2", "", "", "give --index or --shard, not both")]
    public void Bad_values_are_one_line_errors(int? index, string? shard, string variable, string value, string expected)
    {
        Assert.False(Resolve(index, shard, [(variable, value)], out _, out _, out string? error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Shards_partition_the_indices()
    {
        var seen = new List<int>();
        for (int part = 0; part < 4; part++)
        {
            Assert.True(Resolve(null, $"{part}/4", [], out IReadOnlyList<int> indices, out _, out _));
            seen.AddRange(indices);
        }

        Assert.Equal(Enumerable.Range(0, 10), seen.Order());
    }

    private static bool Resolve(int? index, string? shard, (string Name, string Value)[] env, out IReadOnlyList<int> indices, out string source, out string? error) =>
        SweepIndices.TryResolve(index, shard, name => env.FirstOrDefault(e => e.Name == name).Value, 10, out indices, out source, out error);
}
