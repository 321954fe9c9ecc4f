using MmSim.Mm.Filemap;
using MmSim.Mm;
using MmSim.Mm.Stat;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Workloads;

public class PageCacheAndStepsTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void A_sequential_reader_caches_each_page_once_as_an_LRU_page_of_its_file()
    {
        string yaml = TimedHarness.Machine() + "workloads:\n  - type: pagecache\n    files:\n      - { name: a, size: 4MiB }\n      - { name: b, size: 8MiB }\n    read_rate: 10000/s\n";
        var trace = new AllocRecorder();
        var h = TimedHarness.Start(yaml, trace: trace);
        h.RunUntil(2000 * Ms);
        Assert.Equal(3072, h.VmStat(NodeStatItem.NrFilePages));
        Assert.Equal(3072 * 4, h.VmStat(VmEventItem.Pgpgin));
        PageCache cache = h.Kernel.PageCache;
        Assert.Equal(["a", "b"], cache.Files.Select(f => f.Name));
        foreach (CachedFile f in cache.Files)
        {
            Assert.Equal(f.NrPages, f.NrCached);
            Assert.All(f.Pfn, pfn =>
            {
                PageFrame page = h.Alloc.Node.Pages[pfn];
                Assert.Equal((OwnerKind.File, f.Id, true), (page.OwnerKind, page.Owner, page.Has(PageFlags.Lru)));
            });
        }

        // Reads allocate as readahead does (readahead_gfp_mask under memalloc_nofs_save: no __GFP_FS); the
        // first access to each file loads its inode and dentry.
        Assert.All(trace.Events.Where(e => !e.Free && e.Order == 0 && (e.Gfp & GfpFlags.Movable) != 0),
            e => Assert.Equal((GfpFlags.HighUserMovable | GfpFlags.NoRetry | GfpFlags.NoWarn) & ~GfpFlags.Fs, e.Gfp));
        Assert.Equal(8 + 1, h.VmStat(NodeStatItem.NrSlabReclaimable));
        h.Verify("pagecache read");
    }

    [Fact]
    public void Workloads_naming_the_same_file_share_its_pages()
    {
        string file = "    files:\n      - { name: shared, size: 4MiB }\n    read_rate: 10000/s\n    pattern: random\n";
        var h = TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: pagecache\n" + file + "  - type: pagecache\n" + file);
        h.RunUntil(3000 * Ms);
        Assert.Single(h.Kernel.PageCache.Files);
        Assert.Equal(1024, h.VmStat(NodeStatItem.NrFilePages));
        Assert.Equal(1024, h.Workloads.Sum(w => w.Stats.Allocs));
    }

    [Fact]
    public void Drop_caches_frees_clean_page_cache_but_keeps_dirty_pages()
    {
        string yaml = TimedHarness.Machine() + "workloads:\n"
            + "  - type: pagecache\n    files:\n      - { name: r, size: 4MiB }\n    read_rate: 100000/s\n"
            + "  - type: pagecache\n    files:\n      - { name: w, size: 2MiB }\n    write_rate: 100000/s\n"
            + "  - type: steps\n    steps:\n      - { at: 100ms, do: drop_caches, value: 1 }\n";
        var h = TimedHarness.Start(yaml);
        h.RunUntil(99 * Ms);
        Assert.Equal(1024 + 512, h.VmStat(NodeStatItem.NrFilePages));
        Assert.Equal(512, h.VmStat(NodeStatItem.NrDirty));
        Assert.Equal(512, h.Alloc.Node.Zones.Sum(z => z.VmStat[(int)ZoneStatItem.NrZoneWritePending]));
        h.RunUntil(100 * Ms);
        Assert.Equal(512, h.VmStat(NodeStatItem.NrFilePages));
        Assert.Equal(1, h.VmStat(VmEventItem.DropPagecache));
        Assert.Equal(1024, h.Workloads[2].Stats.Metric(StepsWorkload.DropCachesPages));
        h.Verify("drop_caches 1");
    }

    [Fact]
    public void Deleting_files_frees_their_pages_and_their_inodes()
    {
        string yaml = TimedHarness.Machine() + "workloads:\n  - type: pagecache\n    files:\n      - { name: x, size: 1MiB }\n    write_rate: 100000/s\n    delete_rate: 10/s\n";
        var h = TimedHarness.Start(yaml);
        h.RunUntil(2000 * Ms);
        WorkloadStats stats = h.Workloads[0].Stats;
        Assert.InRange(stats.Metric(PageCacheWorkload.FilesDeleted), 10, 30);
        Assert.Equal(stats.Allocs - stats.Frees, h.VmStat(NodeStatItem.NrFilePages));
        Assert.Equal(h.VmStat(NodeStatItem.NrFilePages), h.VmStat(NodeStatItem.NrDirty));
        h.Verify("unlink");
    }

    [Fact]
    public void Steps_run_at_exactly_their_times()
    {
        string yaml = TimedHarness.Machine() + "workloads:\n  - type: steps\n    steps:\n"
            + "      - { at: 1s, do: alloc, id: a, order: 3, gfp: GFP_KERNEL, count: 4 }\n"
            + "      - { at: 1s, do: alloc, id: t, order: 9, gfp: GFP_TRANSHUGE }\n"
            + "      - { at: 2500ms, do: free, id: a }\n"
            + "      - { at: 2500000001ns, do: pin, id: p, size: 1MiB }\n"
            + "      - { at: 4s, do: free, id: p }\n";
        var trace = new AllocRecorder();
        var h = TimedHarness.Start(yaml, trace: trace);
        h.RunUntil(999_999_999);
        Assert.Empty(trace.Events);
        h.RunUntil(5000 * Ms);
        var steps = (StepsWorkload)h.Workloads[0];
        Assert.Equal([1_000_000_000L, 1_000_000_000, 2_500_000_000, 2_500_000_001, 4_000_000_000], steps.RanAtNs);
        Assert.Equal(Enumerable.Repeat(1_000_000_000L, 5), trace.Events.Where(e => !e.Free && e.Order > 0).Select(e => e.TimeNs));
        Assert.Equal(Enumerable.Repeat(2_500_000_000L, 4), trace.Events.Where(e => e.Free && e.Order == 3).Select(e => e.TimeNs));
        Assert.All(trace.Events.Where(e => !e.Free && e.Order == 0), e => Assert.Equal(2_500_000_001L, e.TimeNs));
        Assert.Equal(256, h.VmStat(NodeStatItem.NrFollPinReleased));
        AllocEvent thp = Assert.Single(KernelWorkloadTests.LiveAllocations(trace));
        Assert.True(h.Alloc.Node.Pages[thp.Pfn].Has(PageFlags.Lru), "a movable block from a script is an LRU page");
        // A movable script block is in the script's own mapping, whose forward map is how the script
        // finds the block again after a migration moved it.
        Assert.Equal(OwnerKind.Script, h.Alloc.Node.Pages[thp.Pfn].OwnerKind);
        Mm.Folio.Mapping mapping = h.Kernel.Rmap.FolioMapping(thp.Pfn)!;
        Assert.Equal("steps:steps", mapping.Name);
        Assert.Equal(thp.Pfn, mapping.Lookup(h.Alloc.Node.FolioIndex[thp.Pfn]));
        h.Verify("steps");
    }
}
