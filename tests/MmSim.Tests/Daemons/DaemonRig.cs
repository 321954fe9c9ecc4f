using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmscan;
using MmSim.Mm.Vmscan.Impl;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Daemons;

/// <summary>A 1 GiB Normal-zone node with kcompactd0 and kswapd0 running on an engine.</summary>
internal sealed class DaemonRig
{
    /// <param name="sysctl">kcompactd's settings.</param>
    /// <param name="minFreeKbytes">vm.min_free_kbytes; small values leave no large free block below the min watermark.</param>
    public DaemonRig(CompactionSysctl? sysctl = null, long? minFreeKbytes = null)
    {
        Alloc = TestMachines.NormalOnly(512, new PageAllocOptions { MinFreeKbytes = minFreeKbytes });
        Sim = new Simulator(1);
        Kcompactd = new Kcompactd(Alloc, NoCompaction.Instance, sysctl);
        Kcompactd.Start(Sim);
        Kswapd = new Kswapd(Alloc, NoReclaim.Instance, Kcompactd);
        Kcompactd.KswapdTask = Kswapd.Start(Sim);
    }

    public PageAllocator Alloc { get; }

    public Simulator Sim { get; }

    public Kswapd Kswapd { get; }

    public Kcompactd Kcompactd { get; }

    public Zone Normal => Alloc.Node.Zones[(int)ZoneType.Normal];

    public long Vmstat(VmEventItem item) => Alloc.Node.VmEvents[(int)item];

    public long Free => Normal.ZonePageState(ZoneStatItem.NrFreePages);

    /// <summary>
    /// Fills the zone with movable order-0 pages, then frees every other one: half the memory free,
    /// all of it in order-0 holes inside movable pageblocks; with a small min_free_kbytes no free
    /// pageblock is left anywhere.
    /// </summary>
    public void FragmentWithMovablePages()
    {
        var pfns = new List<int>();
        while (true)
        {
            int pfn = Alloc.AllocPages(GfpFlags.HighUserMovable & ~GfpFlags.KswapdReclaim, 0);
            if (pfn < 0)
            {
                break;
            }

            pfns.Add(pfn);
        }

        pfns.Sort();
        for (int i = 0; i < pfns.Count; i += 2)
        {
            Alloc.FreePages(pfns[i], 0);
        }

        Alloc.DrainAllPages();
    }
}
