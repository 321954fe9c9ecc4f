using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Stat;
using MmSim.Sim;
using MmSim.Tests.Workloads;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Steps;

/// <summary>The punch preset's fill and holes, before compaction (compaction itself arrives on the compaction branch).</summary>
public class PunchTests
{
    private const long Ms = 1_000_000;

    // A single 64 MiB Normal zone (16384 pages, 16 order-10 blocks) without per-cpu lists, so
    // every freed page reaches the buddy lists at once and the pattern is exact.
    private static TimedHarness Punch(string fields, ulong seed = 1) => TimedHarness.Start(
        TimedHarness.NormalMachine("64MiB") + "kernel:\n  pcp: false\nworkloads:\n  - type: punch\n    compact: false\n    fill: 50%\n" + fields, seed);

    private static TimedHarness Idle() => TimedHarness.Start(TimedHarness.NormalMachine("64MiB") + "kernel:\n  pcp: false\n");

    private static long[] FreeBefore(WorkloadStats stats) =>
        [.. Enumerable.Range(0, MmConstants.NrPageOrders).Select(o => stats.Metric(PunchWorkload.FreeMetric(o, before: true)))];

    [Theory]
    [InlineData("4MiB")]
    [InlineData("3MiB")]
    public void Half_of_memory_in_1MiB_chunks_with_every_other_chunk_punched_leaves_only_order_8_holes(string fileSize)
    {
        TimedHarness h = Punch($"    file_size: {fileSize}\n");
        h.RunUntil(10 * Ms);
        WorkloadStats stats = h.Workloads[0].Stats;

        // 8192 pages written = 32 chunks of 256 pages; chunks 1, 3 … 31 punched. Each hole is a 1 MiB
        // buddy block whose buddy (the chunk before it) is still allocated: exactly one order-8 block per hole.
        // The unwritten half stays as 8 order-10 blocks. Nothing is free below order 8.
        Assert.Equal((8192L, 4096L), (stats.Metric(PunchWorkload.FilledPages), stats.Metric(PunchWorkload.PunchedPages)));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 8], FreeBefore(stats));
        Assert.Equal(8192 + 4096, h.FreePages);
        Assert.Equal((4096, 4096), (h.VmStat(NodeStatItem.NrShmem), h.VmStat(NodeStatItem.NrFilePages)));
        Assert.Equal(0, stats.Metric(PunchWorkload.FreeMetric(0, before: false)));
        h.Verify("punched");
    }

    [Fact]
    public void Compact_memory_after_the_holes_moves_the_chunks_together_into_whole_free_order_10_blocks()
    {
        TimedHarness h = TimedHarness.Start(
            TimedHarness.NormalMachine("64MiB") + "kernel:\n  pcp: false\nworkloads:\n  - type: punch\n    fill: 50%\n    file_size: 4MiB\n    compact_after: 100ms\n");
        h.RunUntil(50 * Ms);
        WorkloadStats stats = h.Workloads[0].Stats;
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 8], FreeBefore(stats));
        h.RunUntil(2000 * Ms);

        // 12288 free pages: MIGRATE_SYNC compaction of the whole zone packs the 4096 kept pages, so the holes become
        // whole order-10 blocks, but for the one where the two scanners met, which stays split (11 and pieces
        // with compaction ace6e95; 12 would be a perfect packing).
        long[] after = [.. Enumerable.Range(0, MmConstants.NrPageOrders).Select(o => stats.Metric(PunchWorkload.FreeMetric(o, before: false)))];
        Assert.InRange(after[10], 11, 12);
        Assert.Equal(12288L, Enumerable.Range(0, MmConstants.NrPageOrders).Sum(o => after[o] << o));
        Assert.InRange(after[8], 0, 1);
        Assert.True(stats.Metric(PunchWorkload.CompactNs) > 0, "compaction takes simulated time");
        Assert.InRange(h.VmStat(VmEventItem.PgmigrateSuccess), 1, 4096);
        Assert.Equal(4096, h.VmStat(NodeStatItem.NrShmem));
        h.Verify("punch compacted");
    }

    [Fact]
    public void Chunks_alternate_across_files_in_the_order_written_and_the_rest_stay_swap_backed_shmem_page_cache()
    {
        TimedHarness h = Punch("    file_size: 3MiB\n");
        h.RunUntil(10 * Ms);
        IReadOnlyList<CachedFile> files = h.Kernel.PageCache.Files;
        Assert.Equal(11, files.Count);
        long chunk = 0;
        foreach (CachedFile f in files)
        {
            Assert.Equal(MappingKind.Shmem, f.Kind);
            for (int c = 0; c < 3; c++, chunk++)
            {
                bool written = chunk < 32;
                bool kept = written && chunk % 2 == 0;
                for (int i = c * 256; i < (c + 1) * 256; i++)
                {
                    int pfn = f.Pfn[i];
                    Assert.Equal(kept, pfn >= 0);
                    if (kept)
                    {
                        PageFrame page = h.Alloc.Node.Pages[pfn];
                        Assert.Equal((OwnerKind.File, f.Id, true, true, true), (page.OwnerKind, page.Owner, page.Has(PageFlags.Lru), page.Has(PageFlags.SwapBacked), page.Has(PageFlags.Dirty)));
                    }
                }
            }
        }

        // tmpfs pages are not dropped by drop_caches.
        Assert.Equal(0, h.Kernel.DropCaches(3));
        Assert.Equal(4096, h.VmStat(NodeStatItem.NrShmem));
        h.Verify("tmpfs");
    }

    [Fact]
    public void A_hole_over_a_locked_folio_waits_for_the_lock_in_D_holding_a_reference_and_then_frees_it()
    {
        TimedHarness h = Idle();
        PageCache cache = h.Kernel.PageCache;
        CachedFile file = cache.OpenShmem("t", 8);
        int locked = -1;
        long punchedAt = -1;
        h.Sim.Spawn("writer", Writer());
        h.RunUntil(1 * Ms);
        Assert.Equal(8, file.NrCached);
        SimTask punch = h.Sim.Spawn("punch", Punch());
        h.RunUntil(2 * Ms);

        // The first pass freed what it could lock at once; the locked folio waits in the second pass, pinned
        // by the truncation's reference (so migration would fail on it, as in the kernel).
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioLock), (punch.State, punch.WaitSite));
        Assert.Equal((6, 1), (file.NrCached, h.Kernel.Refs.ExtraRefs(locked)));
        Assert.True(file.Pfn[2] < 0 && file.Pfn[4] < 0 && file.Pfn[3] == locked);
        h.RunUntil(10 * Ms);
        Assert.Equal(5 * Ms, punchedAt);
        Assert.Equal((5, 0), (file.NrCached, h.Kernel.Refs.ExtraRefs(locked)));
        Assert.False(h.Alloc.Node.Pages[locked].Has(PageFlags.Allocated));
        Assert.Equal(5, h.VmStat(NodeStatItem.NrShmem));
        h.Verify("locked hole");

        IEnumerable<Wait> Writer()
        {
            for (int i = 0; i < 8; i++)
            {
                yield return Wait.Call(cache.ShmemWrite(file, i, new WorkloadStats()));
            }

            locked = file.Pfn[3];
            Assert.True(h.Kernel.FolioWait.FolioTrylock(locked));
            yield return Wait.Sleep(5 * Ms - h.Sim.Now);
            h.Kernel.FolioWait.FolioUnlock(locked);
        }

        IEnumerable<Wait> Punch()
        {
            yield return Wait.Call(cache.ShmemPunchHole(file, 2, 3, h.Kernel.FolioWait));
            Assert.Equal(3, h.Kernel.Current.Ret);
            punchedAt = h.Sim.Now;
        }
    }
}
