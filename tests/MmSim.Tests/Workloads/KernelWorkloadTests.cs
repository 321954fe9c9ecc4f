using MmSim.Mm;
using MmSim.Mm.Stat;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Workloads;

/// <summary>slab, netbuf and pinned: kernel-owned memory and where the allocator puts it.</summary>
public class KernelWorkloadTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void Reclaimable_slabs_land_in_reclaimable_pageblocks_and_unreclaimable_ones_in_unmovable()
    {
        string yaml = TimedHarness.Machine() + "workloads:\n"
            + "  - type: slab\n    reclaimable: true\n    rate: 20000/s\n    orders: {0: 2, 1: 1, 3: 1}\n    lifetime: exp(200ms)\n"
            + "  - type: slab\n    rate: 20000/s\n    orders: {0: 2, 2: 1}\n    lifetime: exp(200ms)\n";
        var trace = new AllocRecorder();
        var h = TimedHarness.Start(yaml, trace: trace);
        h.RunUntil(1000 * Ms);
        int reclaimable = 0, unreclaimable = 0;
        foreach (AllocEvent e in LiveAllocations(trace))
        {
            MigrateType want = (e.Gfp & GfpFlags.Reclaimable) != 0 ? MigrateType.Reclaimable : MigrateType.Unmovable;
            Assert.Equal(want, h.Alloc.Node.PageblockMigratetype(e.Pfn));
            _ = want == MigrateType.Reclaimable ? reclaimable++ : unreclaimable++;
        }

        Assert.True(reclaimable > 1000 && unreclaimable > 1000, $"{reclaimable} reclaimable, {unreclaimable} unreclaimable slabs live");
        Assert.Equal(h.Workloads[0].Stats.Allocs - h.Workloads[0].Stats.Frees, reclaimable);
        Assert.Equal(SlabPages(h, OwnerKind.SlabReclaimable), h.VmStat(NodeStatItem.NrSlabReclaimable));
        Assert.Equal(SlabPages(h, OwnerKind.Slab), h.VmStat(NodeStatItem.NrSlabUnreclaimable));
        h.Verify("slab");
    }

    [Fact]
    public void Slabs_live_their_lifetime_and_the_cache_stops_at_max_bytes()
    {
        var h = TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: slab\n    rate: 10000/s\n    lifetime: const(100ms)\n    max_bytes: 2MiB\n");
        h.RunUntil(50 * Ms);
        Assert.Equal(512, h.VmStat(NodeStatItem.NrSlabUnreclaimable));
        Assert.True(h.Workloads[0].Stats.Metric(SlabWorkload.SkippedMaxBytes) > 0);
        h.RunUntil(150 * Ms);
        Assert.True(h.Workloads[0].Stats.Frees >= 512, "the first slabs expired after 100ms");
        Assert.True(h.VmStat(NodeStatItem.NrSlabUnreclaimable) <= 512);
        h.Verify("slab max_bytes");
    }

    [Fact]
    public void Drop_caches_2_frees_every_slab_of_a_reclaimable_cache()
    {
        string yaml = TimedHarness.Machine() + "workloads:\n"
            + "  - type: slab\n    reclaimable: true\n    rate: 10000/s\n    lifetime: const(10s)\n"
            + "  - type: slab\n    rate: 10000/s\n    lifetime: const(10s)\n"
            + "  - type: steps\n    steps:\n      - { at: 500ms, do: drop_caches, value: 2 }\n";
        var h = TimedHarness.Start(yaml);
        h.RunUntil(499 * Ms);
        Assert.True(h.VmStat(NodeStatItem.NrSlabReclaimable) > 4000);
        long unreclaimable = h.VmStat(NodeStatItem.NrSlabUnreclaimable);
        h.RunUntil(500 * Ms);
        Assert.Equal(0, h.VmStat(NodeStatItem.NrSlabReclaimable));
        Assert.True(h.VmStat(NodeStatItem.NrSlabUnreclaimable) >= unreclaimable);
        Assert.Equal(1, h.VmStat(VmEventItem.DropSlab));
        Assert.Equal(0, h.VmStat(VmEventItem.DropPagecache));
        h.Verify("drop_caches 2");
    }

    [Fact]
    public void Network_buffers_are_unmovable_order_0_to_3_with_rx_atomic_and_tx_kernel_gfp()
    {
        var trace = new AllocRecorder();
        var h = TimedHarness.Start(TimedHarness.Machine() + "workloads:\n  - type: netbuf\n    rate: 50000/s\n    rx_share: 25%\n", trace: trace);
        h.RunUntil(200 * Ms);
        AllocEvent[] allocs = [.. trace.Events.Where(e => !e.Free)];
        Assert.InRange(allocs.Length, 9000, 11000);
        Assert.All(allocs, e => Assert.True(e.Order is 0 or 3));
        Assert.All(allocs, e => Assert.Equal(MigrateType.Unmovable, Gfp.Migratetype(e.Gfp)));
        double rx = allocs.Count(e => (e.Gfp & GfpFlags.High) != 0) / (double)allocs.Length;
        Assert.InRange(rx, 0.22, 0.28);

        // A page_frag refill tries order 3 without direct reclaim and with __GFP_NORETRY first.
        Assert.All(allocs.Where(e => e.Order == 3), e => Assert.Equal(GfpFlags.NoRetry | GfpFlags.NoMemAlloc | GfpFlags.Comp, e.Gfp & (GfpFlags.NoRetry | GfpFlags.NoMemAlloc | GfpFlags.Comp | GfpFlags.DirectReclaim)));
        Assert.True(trace.Events.Count(e => e.Free) > 5000, "buffers live about a millisecond");
        h.Verify("netbuf");
    }

    [Fact]
    public void Pinned_pages_never_land_in_CMA_or_ZONE_MOVABLE_and_go_at_release()
    {
        string machine = "version: 1\nmachine:\n  zones:\n    - name: DMA32\n      size: 1GiB\n    - name: Movable\n      size: 512MiB\n  cma:\n    - name: reserved\n      size: 256MiB\n      zone: DMA32\n";
        var h = TimedHarness.Start(machine + "workloads:\n  - type: pinned\n    size: 600MiB\n    at: 10ms\n    release_at: 1s\n");
        h.RunUntil(10 * Ms);
        long pinned = 600 * 256;
        Assert.Equal(pinned, h.VmStat(NodeStatItem.NrFollPinAcquired));
        int seen = 0;
        for (int pfn = 0; pfn < h.Alloc.Node.NodeSpannedPages; pfn++)
        {
            ref PageFrame page = ref h.Alloc.Node.Pages[pfn];
            if (page.Has(PageFlags.Allocated) && page.Has(PageFlags.Pinned))
            {
                seen++;
                Assert.NotEqual(MigrateType.Cma, h.Alloc.Node.PageblockMigratetype(pfn));
                Assert.NotEqual(ZoneType.Movable, h.Alloc.Node.PageZone(pfn).Type);
                Assert.True(page.Has(PageFlags.Lru));
                Assert.Equal(MigrateType.Unmovable, (MigrateType)page.AllocMt);
            }
        }

        Assert.Equal(pinned, seen);
        h.Verify("pinned");
        h.RunUntil(1000 * Ms);
        Assert.Equal(pinned, h.VmStat(NodeStatItem.NrFollPinReleased));
        Assert.Equal(0, h.VmStat(NodeStatItem.NrAnonPages));
        Assert.Equal(h.Workloads[0].Stats.Allocs, h.Workloads[0].Stats.Frees);
        h.Verify("pinned released");
    }

    // Replays the trace: the allocations not freed since.
    internal static IEnumerable<AllocEvent> LiveAllocations(AllocRecorder trace)
    {
        var live = new SortedDictionary<int, AllocEvent>();
        foreach (AllocEvent e in trace.Events.Where(e => e.Pfn >= 0))
        {
            if (e.Free)
            {
                live.Remove(e.Pfn);
            }
            else
            {
                live[e.Pfn] = e;
            }
        }

        return live.Values;
    }

    private static long SlabPages(TimedHarness h, OwnerKind owner)
    {
        long pages = 0;
        PageFrame[] frames = h.Alloc.Node.Pages;
        for (int pfn = 0; pfn < frames.Length; pfn++)
        {
            if (frames[pfn].Has(PageFlags.Allocated) && frames[pfn].OwnerKind == owner)
            {
                pages += 1L << frames[pfn].Order;
            }
        }

        return pages;
    }
}
