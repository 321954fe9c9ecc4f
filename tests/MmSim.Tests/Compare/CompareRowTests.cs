using MmSim.Runs;
using MmSim.Runs.Compare;

namespace MmSim.Tests.Compare;

/// <summary>CompareRow.From: each column reads what docs/results.md says it counts, over the denominator it names.</summary>
public class CompareRowTests
{
    [Fact]
    public void Percentages_divide_by_the_documented_denominators_and_are_null_when_there_is_nothing_to_count()
    {
        RunSummary s = CompareFixtures.Empty() with
        {
            ThpFaultAlloc = 3,
            ThpFaultFallback = 1,
            CompactStall = 4,
            CompactSuccess = 1,
            CompactFail = 3,
            Outcomes = CompareFixtures.Outcomes(
                0,
                CompareFixtures.Step("compact", "ok", 10),
                CompareFixtures.Step("cma_alloc", "ok", 4),
                CompareFixtures.Step("cma_alloc", "ebusy", 8)),
        };
        CompareRow r = CompareRow.From("linux-6.18", s);
        Assert.Equal(75, r.HugePct);
        Assert.Equal(40, r.CompactSuccessPct); // (compact_success 1 + compact steps ok 1) / (compact_stall 4 + compact steps 1)
        Assert.Equal(50, r.CmaSuccessPct);
        Assert.Equal(6, r.CmaLatencyMs);
        Assert.Equal("none", r.OfflineOutcome);
        Assert.Null(r.OfflineLatencyMs);

        CompareRow none = CompareRow.From("linux-6.18", CompareFixtures.Empty());
        Assert.Null(none.HugePct);
        Assert.Null(none.CompactSuccessPct);
        Assert.Null(none.CmaSuccessPct);
        Assert.Null(none.CmaLatencyMs);
    }

    [Fact]
    public void The_first_offline_step_gives_the_outcome_and_its_latency()
    {
        RunSummary s = CompareFixtures.Empty() with
        {
            Outcomes = CompareFixtures.Outcomes(0, CompareFixtures.Step("offline", "hung", 7000), CompareFixtures.Step("offline", "ok", 3)),
        };
        CompareRow r = CompareRow.From("linux-6.16", s);
        Assert.Equal("hung", r.OfflineOutcome);
        Assert.Equal(7000, r.OfflineLatencyMs);
    }

    [Fact]
    public void Free_order9_blocks_leave_out_ZONE_DMA_and_blocks_count_every_type()
    {
        RunSummary s = CompareFixtures.Empty() with
        {
            Zones =
            [
                new ZoneSummary("DMA", 0, 0, 0, 0, 0, 0, 0) { FreeOrder9Blocks = 7 },
                new ZoneSummary("DMA32", 0, 0, 0, 0, 0, 0, 0) { FreeOrder9Blocks = 5 },
                new ZoneSummary("Normal", 0, 0, 0, 0, 0, 0, 0) { FreeOrder9Blocks = 3 },
            ],
            Pageblocks = [4, 100, 2, 0, 8, 0],
            MixedBlocks = [1, 2, 3, 0, 0, 0],
        };
        CompareRow r = CompareRow.From("d", s);
        Assert.Equal(8, r.FreeOrder9Blocks);
        Assert.Equal(4, r.UnmovableBlocks);
        Assert.Equal(6, r.MixedBlocks);
    }

    [Fact]
    public void Writeback_throughput_counts_FUSE_mounts_when_there_are_any_and_temp_pages_convert_to_MiB()
    {
        RunSummary s = CompareFixtures.Empty() with
        {
            DurationNs = 2_000_000_000,
            Writeback = [CompareFixtures.Mount("root", 25600, fuse: false), CompareFixtures.Mount("fusefs", 1024, fuse: true)],
            Outcomes = CompareFixtures.Outcomes(512),
        };
        CompareRow r = CompareRow.From("d", s);
        Assert.Equal(2, r.WritebackMibps); // 1024 pages = 4 MiB in 2 s; the ext4 root's 100 MiB are left out
        Assert.Equal(2, r.TempPagesPeakMib);

        CompareRow noFuse = CompareRow.From("d", s with { Writeback = [CompareFixtures.Mount("root", 25600, fuse: false)] });
        Assert.Equal(50, noFuse.WritebackMibps);
    }
}
