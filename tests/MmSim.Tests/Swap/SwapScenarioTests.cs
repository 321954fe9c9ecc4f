using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Swap;

/// <summary>The scenario's <c>swap</c> section and the workloads' <c>oom_score_adj</c>: values, defaults, errors with file/line/field.</summary>
public class SwapScenarioTests
{
    [Fact]
    public void No_swap_by_default_and_a_swap_section_boots_a_device()
    {
        Assert.Null(KernelFromConfig.Params(TestFiles.LoadOk(TestFiles.Minimal())).Swap);
        ScenarioConfig c = TestFiles.LoadOk(TestFiles.Minimal("swap:\n  size: 64MiB\n  latency: 1ms\n  bandwidth: 100MiB\n"));
        Mm.Swap.SwapSpec spec = KernelFromConfig.Params(c).Swap!;
        Assert.Equal((16384L, 1_000_000L, 100L << 20), (spec.Pages, spec.LatencyNs, spec.BytesPerSec));
    }

    [Fact]
    public void Bad_swap_and_oom_score_adj_values_name_file_line_and_field()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal("swap:\n  size: 64MiB\n  bandwidth: 1\n  bogus: 1\n"));
        Assert.Contains(errors, e => e.Contains("test.yaml:", StringComparison.Ordinal) && e.Contains("swap.bandwidth", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("swap.bogus", StringComparison.Ordinal));

        string[] adj = TestFiles.Errors(TestFiles.Minimal("workloads:\n  - type: anon\n    size: 4MiB\n    oom_score_adj: -1001\n"));
        Assert.Contains(adj, e => e.Contains("oom_score_adj", StringComparison.Ordinal) && e.Contains("test.yaml:", StringComparison.Ordinal));
    }
}
