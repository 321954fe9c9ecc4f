using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Tests.Contig;

/// <summary>Kernels and page placements for the isolation, contig, CMA and offlining tests.</summary>
internal static class ContigRig
{
    public const int Pb = MmConstants.PageblockNrPages;

    /// <summary>128 MiB, one memory block of the default size.</summary>
    public const int BlockPages = 1 << 15;

    /// <summary>A kernel with DMA32 (one memory block, its first 2 MiB reserved) and Normal (<paramref name="normalBlocks"/>
    /// memory blocks), an optional CMA area at the start of Normal, and the isolate variant given.</summary>
    public static LinuxKernel Boot(bool isolateBit = true, int normalBlocks = 2, long cmaPages = 0, long? offlineTimeoutNs = null, ulong seed = 1)
    {
        var zones = new List<ZoneSpec>
        {
            new(ZoneType.Dma32, BlockPages, 0, Pb),
            new(ZoneType.Normal, (long)normalBlocks * BlockPages),
        };
        var cma = cmaPages > 0 ? new List<CmaSpec> { new("cma0", ZoneType.Normal, cmaPages, BlockPages) } : [];
        return LinuxKernel.Boot(
            new MachineSpec(zones, cma),
            new KernelParams
            {
                Alloc = new PageAllocOptions { IsolateBit = isolateBit },
                Compact = _ => NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                OfflineTimeoutNs = offlineTimeoutNs,
            },
            seed);
    }

    /// <summary>Order-0 allocations of <paramref name="gfp"/> until one lands in <c>[start, end)</c>; the others are freed.</summary>
    public static int AllocIn(LinuxKernel k, GfpFlags gfp, int start, int end, OwnerKind owner = OwnerKind.Kernel)
    {
        var others = new List<int>();
        int found = -1;
        for (int i = 0; i < k.Node.NodeSpannedPages && found < 0; i++)
        {
            int pfn = k.AllocPages(gfp, 0, owner);
            Assert.True(pfn >= 0, "memory ran out before a page landed in the range");
            if (pfn >= start && pfn < end)
            {
                found = pfn;
            }
            else
            {
                others.Add(pfn);
            }
        }

        foreach (int p in others)
        {
            k.Alloc.FreePages(p, 0);
        }

        return found;
    }

    /// <summary>Reads page-cache pages of a new file until one lands in <c>[start, end)</c>; returns it (the rest stay cached).</summary>
    public static int FilePageIn(LinuxKernel k, int start, int end, string name = "f")
    {
        CachedFile file = k.PageCache.Open(name, k.Node.NodeSpannedPages);
        var stats = new AllocTally();
        for (long i = 0; i < file.NrPages; i++)
        {
            Coroutines.RunInline(k.PageCache.Read(file, i, stats));
            Assert.True(file.Pfn[i] >= 0, "page cache read failed before a page landed in the range");
            int pfn = file.Pfn[i];
            if (pfn >= start && pfn < end)
            {
                return pfn;
            }
        }

        throw new InvalidOperationException("no page landed in the range");
    }

    /// <summary>Spawns a task that runs <paramref name="path"/> with its own context as <c>current</c>.</summary>
    public static SimTask Spawn(LinuxKernel k, string comm, Func<TaskContext, IEnumerable<Wait>> path)
    {
        IEnumerable<Wait> Body()
        {
            yield return Wait.Call(path(k.Current));
        }

        return k.Sim.Spawn(comm, Body());
    }

    /// <summary>A task that sleeps forever in S: the owner of a writeback that never ends.</summary>
    public static SimTask Sleeper(LinuxKernel k, string comm)
    {
        var never = new WaitQueue(comm + " requests");
        IEnumerable<Wait> Body()
        {
            yield return Wait.On(never, TaskState.Interruptible, "fuse_dev_do_read");
        }

        return k.Sim.Spawn(comm, Body());
    }

    /// <summary>Puts the folio at <paramref name="pfn"/> under writeback that only <paramref name="owner"/> could end.</summary>
    public static void StartWriteback(LinuxKernel k, int pfn, SimTask owner) =>
        k.FolioWait.FolioStartWriteback(pfn, new WaitQueue("fuse writeback request") { Releaser = owner });

    /// <summary>Head PFNs of allocated blocks of <paramref name="owner"/> in <c>[start, end)</c>, ascending.</summary>
    public static List<int> OwnedIn(LinuxKernel k, int start, int end, OwnerKind owner)
    {
        var list = new List<int>();
        for (int pfn = start; pfn < end;)
        {
            ref PageFrame page = ref k.Node.Pages[pfn];
            if (page.Has(PageFlags.Allocated))
            {
                if (page.OwnerKind == owner)
                {
                    list.Add(pfn);
                }

                pfn += 1 << page.Order;
                continue;
            }

            pfn += page.Has(PageFlags.Buddy) ? 1 << page.Order : 1;
        }

        return list;
    }

    /// <summary>The number of free pages on the buddy lists of <paramref name="zone"/> (all types, ISOLATE included).</summary>
    public static long BuddyPages(Zone zone)
    {
        long n = 0;
        for (int o = 0; o < MmConstants.NrPageOrders; o++)
        {
            n += zone.NrFree[o] << o;
        }

        return n;
    }
}
