using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Slab;
using MmSim.Mm.Stat;
using MmSim.Tests.Kernel;
using MmSim.Tests.Support;

namespace MmSim.Tests.Filemap;

/// <summary>
/// shrink_slab and do_shrink_slab (mm/shrinker.c): the scan each priority asks for, its batches and the
/// deferred work; and the superblock shrinker over the dentry and inode caches (fs/super.c,
/// fs/dcache.c, fs/inode.c) on x86-64, where inodes with page cache are not shrinkable.
/// </summary>
public class ShrinkerTests
{
    [Fact]
    public void Do_shrink_slab_scans_freeable_over_2_to_the_priority_times_4_over_seeks_and_defers_the_rest()
    {
        var node = BlockingKernelTests.Boot().Node;
        var shrinkers = new Shrinkers();
        var cache = new FixedCache(10_000, seeks: 2, batch: 0);
        shrinkers.Register(cache);
        var sc = new ShrinkControl { GfpMask = GfpFlags.Kernel };

        // DEF_PRIORITY: delta = (10000 >> 12) * 4 / 2 = 4, below a batch of 128: nothing scanned, 4 deferred.
        Assert.Equal(0, shrinkers.ShrinkSlab(node, sc, 12));
        Assert.Equal(4, shrinkers.NrDeferred(cache));
        Assert.Equal(0, shrinkers.ShrinkSlab(node, sc, 12));
        Assert.Equal(8, shrinkers.NrDeferred(cache));
        Assert.Empty(cache.Scans);

        // Priority 0: total = 8 + 20000, capped at 2 * freeable = 20000: 156 batches of 128 (19968), and
        // 8 + 20000 - 19968 = 40 deferred.
        shrinkers.ShrinkSlab(node, sc, 0);
        Assert.Equal(Enumerable.Repeat(128L, 156), cache.Scans);
        Assert.Equal(40, shrinkers.NrDeferred(cache));
        Assert.Equal(19968, node.VmEvents[(int)VmEventItem.SlabsScanned]);
    }

    [Fact]
    public void A_cache_smaller_than_a_batch_is_scanned_whole_when_the_priority_wants_more_than_it_holds()
    {
        var node = BlockingKernelTests.Boot().Node;
        var shrinkers = new Shrinkers();
        var small = new FixedCache(50, seeks: 2, batch: 0);
        var free = new FixedCache(1000, seeks: 0, batch: 0);
        shrinkers.Register(small);
        shrinkers.Register(free);
        var sc = new ShrinkControl { GfpMask = GfpFlags.Kernel };

        // 50 objects at priority 0: delta 100 ≥ freeable, one scan of 100; seeks 0: delta = freeable / 2 = 500,
        // 3 batches of 128 and 116 deferred.
        shrinkers.ShrinkSlab(node, sc, 0);
        Assert.Equal([100L], small.Scans);
        Assert.Equal(0, shrinkers.NrDeferred(small));
        Assert.Equal([128L, 128L, 128L], free.Scans);
        Assert.Equal(500 - 384, shrinkers.NrDeferred(free));

        // Memcg reclaim reaches no shrinker here.
        Assert.Equal(0, shrinkers.ShrinkSlab(node, new ShrinkControl { GfpMask = GfpFlags.Kernel, MemcgId = 3 }, 0));
    }

    [Fact]
    public void The_superblock_shrinker_frees_dentries_then_inodes_without_page_cache()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        var tally = new AllocTally();
        var withPages = new List<CachedFile>();
        for (int i = 0; i < 40; i++)
        {
            CachedFile f = k.PageCache.Open($"f{i}", 4);
            Assert.Equal(1, k.RunAtomic(k.PageCache.Read(f, 0, 1, tally)));
            withPages.Add(f);
        }

        // Half the files lose their pages (drop_caches 1): their inodes become shrinkable once unused.
        for (int i = 0; i < 20; i++)
        {
            k.PageCache.Unlink(withPages[i]);
            Assert.Equal(1, k.RunAtomic(k.PageCache.Read(withPages[i], 0, 0, tally)));
        }

        Assert.Equal(40, k.PageCache.CountObjects(new ShrinkControl()));

        // Without __GFP_FS the filesystem refuses (SHRINK_STOP).
        Assert.Equal(IReclaimableSlab.ShrinkStop, k.PageCache.ScanObjects(new ShrinkControl { GfpMask = GfpFlags.NoFs, NrToScan = 128 }));

        // Priority 0 (drop_slab's): every dentry goes, then the 20 inodes left with no page cache; the 20
        // with cached pages stay (mapping_shrinkable is false without HIGHMEM) and keep their pages.
        var sc = new ShrinkControl { GfpMask = GfpFlags.Kernel };
        long freed = k.Shrinkers.ShrinkSlab(k.Node, sc, 0) + k.Shrinkers.ShrinkSlab(k.Node, sc, 0);
        Assert.Equal(40 + 20, freed);
        Assert.All(withPages, f => Assert.False(f.DentryLoaded));
        Assert.Equal(20, withPages.Count(f => f.InodeLoaded));
        Assert.All(withPages.Where(f => f.InodeLoaded), f => Assert.Equal(4, f.NrCached));
        Assert.True(sc.ReclaimedPages > 0, "freed objects emptied slabs");
        Assert.Equal(0, k.Node.VmEvents[(int)VmEventItem.Pginodesteal]);
        KernelChecker.Verify(k, "after shrinking the dentry and inode caches");
    }

    [Fact]
    public void Drop_caches_2_keeps_inodes_with_page_cache_and_3_frees_everything()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        var tally = new AllocTally();
        CachedFile f = k.PageCache.Open("f", 16);
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(f, 0, 1, tally)));
        long slabPages = k.PageCache.InodeSlabPages;

        // The dentry slab (one order-0 page) goes; the inode stays with its 4 cached pages.
        Assert.Equal(1, k.DropCaches(2));
        Assert.Equal((true, false, 4L), (f.InodeLoaded, f.DentryLoaded, f.NrCached));
        Assert.Equal(slabPages - 1 + 4, k.DropCaches(3));
        Assert.Equal((false, 0L, 0L), (f.InodeLoaded, f.NrCached, k.PageCache.InodeSlabPages));

        // The next read finds neither and allocates both again.
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(f, 0, 1, tally)));
        Assert.True(f.Opened);
    }

    // A cache of a fixed number of objects that records each scan and frees nothing.
    private sealed class FixedCache(long objects, int seeks, int batch) : IReclaimableSlab
    {
        public List<long> Scans { get; } = [];

        public int Seeks => seeks;

        public int Batch => batch;

        public long DropSlab() => 0;

        public long CountObjects(ShrinkControl sc) => objects;

        public long ScanObjects(ShrinkControl sc)
        {
            Scans.Add(sc.NrToScan);
            return 0;
        }
    }
}
