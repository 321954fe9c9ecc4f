using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;
using MmSim.Tests.Kernel;
using MmSim.Tests.Support;

namespace MmSim.Tests.Filemap;

/// <summary>
/// Readahead as mm/readahead.c computes it (page_cache_sync_ra, page_cache_async_ra, page_cache_ra_order,
/// page_cache_ra_unbounded; read_ahead_kb = 128 KiB, so 32 pages at most): the windows a reader gets, the
/// folio orders a large-folio mapping gets, and what a random reader gets.
/// </summary>
public class ReadaheadTests
{
    [Fact]
    public void Window_sizes_follow_get_init_ra_size_and_get_next_ra_size()
    {
        // 1-2 pages → x4 (max/32 = 1 page... roundup 2 → x2), 3-4 → x2, 5-8 → x2, > 8 → max.
        Assert.Equal([4, 4, 8, 8, 16, 32, 32, 32], new long[] { 1, 2, 3, 4, 8, 9, 16, 40 }.Select(n => PageCache.GetInitRaSize(n, 32)));
        Assert.Equal([4, 8, 16, 32, 32], new long[] { 1, 4, 8, 16, 32 }.Select(n => PageCache.GetNextRaSize(n, 32)));
    }

    [Fact]
    public void A_sequential_reader_of_an_order0_mapping_gets_the_kernels_window_sequence()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 256);
        var windows = new List<(long Start, long Size, long Async, long Mark, long Cached)>();
        for (long i = 0; i < 128; i++)
        {
            Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, i, 1, new AllocTally())));
            FileRaState ra = file.Ra;
            var w = (ra.Start, ra.Size, ra.AsyncSize, ra.MarkIndex, file.NrCached);
            if (windows.Count == 0 || windows[^1] != w)
            {
                windows.Add(w);
            }
        }

        // Page 0: init window 4 (async 3, mark on page 1); then each mark pushes the window on, ramping
        // x2 (4 → 8 → 16 → 32) to the 32-page maximum, with the whole window asynchronous.
        Assert.Equal(
            [(0, 4, 3, 1, 4), (4, 8, 8, 4, 12), (12, 16, 16, 12, 28), (28, 32, 32, 28, 60), (60, 32, 32, 60, 92), (92, 32, 32, 92, 124), (124, 32, 32, 124, 156), (156, 32, 32, 156, 188)],
            windows);
        Assert.All(file.Pfn.Where(p => p >= 0), p => Assert.Equal(0, k.Node.Pages[p].Order));
        Assert.Equal(188 * 8, k.Node.VmEvents[(int)VmEventItem.Pgpgin]);
        KernelChecker.Verify(k, "sequential order-0 readahead");
    }

    [Fact]
    public void A_sequential_reader_of_a_large_folio_mapping_gets_folios_of_the_kernels_orders()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 256);
        file.Flags |= AsFlags.LargeFolios;
        var tally = new AllocTally();
        for (long i = 0; i < 256; i++)
        {
            Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, i, 1, tally)));
        }

        // The sync window is order 0; each async window adds 2 to ra->order, capped by ilog2(size) and the
        // alignment of its start (page_cache_ra_order), and its end is rounded down to that alignment.
        Assert.Equal(
            [(0, 0), (1, 0), (2, 0), (3, 0), (4, 2), (8, 2), (12, 2), (16, 3), (24, 3), (32, 4), (48, 4), (64, 5), (96, 5), (128, 5), (160, 5), (192, 5), (224, 5)],
            Folios(k, file));
        Assert.Equal(17, tally.Allocs);
        Assert.Equal(256, file.NrCached);
        Assert.Equal(256 * 8, k.Node.VmEvents[(int)VmEventItem.Pgpgin]);
        KernelChecker.Verify(k, "sequential large-folio readahead");
    }

    [Fact]
    public void A_read_of_many_pages_is_one_call_and_reads_ahead_from_its_size()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 1024);
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 0, 16, new AllocTally())));

        // get_init_ra_size(16, 32) = 32 (16 > 32/4): 16 pages for the read and 16 asynchronous, marked at 16.
        Assert.Equal((0L, 32L, 16L, 16L, 32L), (file.Ra.Start, file.Ra.Size, file.Ra.AsyncSize, file.Ra.MarkIndex, file.NrCached));
        Assert.Equal(16, file.Ra.PrevIndex);
        Assert.True(k.PageCache.TryRead(file, 0, 16), "a second read of cached pages without the mark needs no allocation");
        Assert.False(k.PageCache.TryRead(file, 16, 16), "reaching the marked folio starts async readahead");
    }

    [Fact]
    public void Random_reads_get_no_readahead_beyond_the_request()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 1024);
        file.Flags |= AsFlags.LargeFolios;
        var tally = new AllocTally();
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 500, 1, tally)));
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 700, 1, tally)));
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 300, 8, tally)));

        // Standalone small reads (no cached history before them): read as is, the readahead state untouched.
        Assert.Equal(10, file.NrCached);
        Assert.Equal((0L, 0L, -1L), (file.Ra.Start, file.Ra.Size, file.Ra.MarkIndex));
        Assert.True(file.Pfn[500] >= 0 && file.Pfn[501] < 0 && file.Pfn[700] >= 0 && file.Pfn[307] >= 0 && file.Pfn[308] < 0);
        Assert.All(file.Pfn.Where(p => p >= 0), p => Assert.Equal(0, k.Node.Pages[p].Order));
        Assert.Equal(10, tally.Allocs);
    }

    [Fact]
    public void A_miss_after_cached_history_reads_ahead_as_a_stream()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 1024);
        var tally = new AllocTally();
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 100, 8, tally)));
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 500, 1, tally)));

        // 108 is not next to the previous read (501), but 8 pages before it are cached: contig 8 > 1, so
        // the window is contig + req = 9 pages with one asynchronous page.
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 108, 1, tally)));
        Assert.Equal((108L, 9L, 1L, 116L), (file.Ra.Start, file.Ra.Size, file.Ra.AsyncSize, file.Ra.MarkIndex));
        Assert.Equal(8 + 1 + 9, file.NrCached);
    }

    [Fact]
    public void An_order0_mapping_never_gets_a_large_folio()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 2048);
        var tally = new AllocTally();
        for (long i = 0; i < 2048; i += 64)
        {
            Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, i, 64, tally)));
        }

        Assert.Equal(2048, file.NrCached);
        Assert.All(file.Pfn, p => Assert.Equal(0, k.Node.Pages[p].Order));
    }

    [Fact]
    public void Drop_caches_frees_clean_large_folios_and_their_readahead_mark()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        long free = FreePages(k);
        CachedFile file = k.PageCache.Open("f", 256);
        file.Flags |= AsFlags.LargeFolios;
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 0, 200, new AllocTally())));
        Assert.Contains(Folios(k, file), f => f.Order > 0);
        Assert.True(file.Ra.MarkIndex >= 0);

        Assert.Equal(file.NrCached, k.DropCaches(1));
        Assert.Equal((0L, -1L), (file.NrCached, file.Ra.MarkIndex));
        Assert.Equal(0, k.Node.VmStat[(int)NodeStatItem.NrFilePages]);
        k.Alloc.DrainAllPages();
        // Only the inode (an order-3 ext4_inode_cache slab) and dentry (an order-0 slab) stay.
        Assert.Equal(free - (8 + 1), FreePages(k));
        KernelChecker.Verify(k, "after drop_caches");
    }

    [Fact]
    public void Unlink_frees_large_folios_and_cancels_their_dirty_accounting()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 64);
        file.Flags |= AsFlags.LargeFolios;
        var tally = new AllocTally();
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 0, 64, tally)));
        Assert.Equal(1, k.RunAtomic(k.PageCache.Write(file, 40, tally)));
        // Page 40 is the head of an order-2 folio of the second (asynchronous) window: the write dirties it whole.
        int head = file.Pfn[40];
        Assert.True(k.Node.Pages[head].Has(PageFlags.Allocated));
        int nr = 1 << k.Node.Pages[head].Order;
        Assert.Equal(4, nr);
        Assert.Equal(nr, file.NrDirty);
        Assert.Equal(nr, k.Node.VmStat[(int)NodeStatItem.NrDirty]);

        Assert.Equal(64, k.PageCache.Unlink(file));
        Assert.Equal((0L, 0L, 0L), (file.NrCached, file.NrDirty, k.Node.VmStat[(int)NodeStatItem.NrDirty]));
        KernelChecker.Verify(k, "after unlink");
    }

    [Fact]
    public void A_refault_into_a_shadow_entry_calls_workingset_refault_and_may_start_active()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        var workingset = new ActivatingWorkingset(k);
        k.PageCache.Workingset = workingset;
        CachedFile file = k.PageCache.Open("f", 64);

        // Reclaim evicted page 5 leaving a shadow (a value below EmptySlot); page 20 was never cached.
        file.Pfn[5] = -7;
        file.NrShadows = 1;
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 5, 1, new AllocTally())));
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 20, 1, new AllocTally())));

        Assert.Equal([(file.Pfn[5], -7)], workingset.Calls);
        Assert.Equal(0, file.NrShadows);
        Assert.Equal(LruList.ActiveFile, Lru.FolioLruList(k.Node.Pages[file.Pfn[5]]));
        Assert.Equal(LruList.InactiveFile, Lru.FolioLruList(k.Node.Pages[file.Pfn[20]]));
        KernelChecker.Verify(k, "after a refault");
    }

    [Fact]
    public void Read_hits_mark_the_folio_accessed_once_per_folio_and_activate_on_the_second_read()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 1024);
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 600, 1, new AllocTally())));
        int pfn = file.Pfn[600];
        Assert.True(k.Node.Pages[pfn].Has(PageFlags.Referenced));
        Assert.Equal(LruList.InactiveFile, Lru.FolioLruList(k.Node.Pages[pfn]));

        // Read again right away, the page is in the folio where the previous read ended (pos_same_folio):
        // not marked again. After another read elsewhere, folio_mark_accessed of the referenced inactive
        // folio activates it.
        Assert.True(k.PageCache.TryRead(file, 600, 1));
        Assert.Equal(LruList.InactiveFile, Lru.FolioLruList(k.Node.Pages[pfn]));
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 700, 1, new AllocTally())));
        Assert.True(k.PageCache.TryRead(file, 600, 1));
        Assert.Equal(LruList.ActiveFile, Lru.FolioLruList(k.Node.Pages[pfn]));
    }

    internal static long FreePages(LinuxKernel k) => k.Node.Zones.Sum(z => z.VmStat[(int)ZoneStatItem.NrFreePages]);

    internal static List<(long Index, int Order)> Folios(LinuxKernel k, CachedFile file)
    {
        var folios = new List<(long, int)>();
        for (long i = 0; i < file.NrPages;)
        {
            int pfn = file.Pfn[i];
            if (pfn < 0)
            {
                i++;
                continue;
            }

            int order = k.Node.Pages[pfn].Order;
            folios.Add((i, order));
            i += 1L << order;
        }

        return folios;
    }

    private sealed class ActivatingWorkingset(LinuxKernel k) : IWorkingsetRefault
    {
        public List<(int Pfn, int Shadow)> Calls { get; } = [];

        public void Refault(int pfn, int shadow)
        {
            Calls.Add((pfn, shadow));
            k.Node.Pages[pfn].Set(PageFlags.Active);
        }
    }
}
