using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Runs;
using MmSim.Scenario;

namespace MmSim.Tests.Runs;

public class SharedRunStateTests
{
    // Each timed workload gets its own RunContext; the page cache and the drop_caches targets must
    // still be one per run, as they are one per kernel: a steps workload's drop_caches frees the
    // clean pages a pagecache workload read.
    [Fact]
    public void Drop_caches_in_one_workload_frees_the_page_cache_another_workload_filled()
    {
        const string yaml = """
            version: 1
            duration: 200ms
            machine:
              zones:
                - name: DMA32
                  size: 256MiB
            workloads:
              - type: pagecache
                files: [{name: data, size: 4MiB}]
                read_rate: 100000/s
                pattern: sequential
              - type: steps
                steps:
                  - {at: 200ms, do: drop_caches, value: 1}
            """;
        ScenarioConfig config = ScenarioLoader.LoadFromString(yaml, "shared.yaml").Config!;
        var runner = new ScenarioRunner(config, new RunOptions());
        runner.Run();
        PgData node = runner.Allocator!.Node;
        Assert.Equal(1, node.VmEvents[(int)VmEventItem.DropPagecache]);
        Assert.True(node.VmEvents[(int)VmEventItem.Pgpgin] > 0, "the reader read pages before the drop");

        // The run ends at the drop (steps at exactly the end time run): every clean page the
        // reader cached is gone. With a page cache per workload the drop found nothing to free
        // and all 1024 pages of the file stayed.
        Assert.Equal(0, node.VmStat[(int)NodeStatItem.NrFilePages]);
    }
}
