using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmscan;
using MmSim.Mm.Vmscan.Impl;
using MmSim.Sim;

namespace MmSim.Tests.Slowpath;

/// <summary>A one-zone kernel with scripted mechanisms, filled so that the fast path fails.</summary>
internal static class SlowpathHarness
{
    public const long Ms = SimTime.NsPerMs;

    public static LinuxKernel Boot(ICompact compact, IReclaim? reclaim = null, bool defragMode = false, long normalPages = 1 << 15) =>
        LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, normalPages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions { DefragMode = defragMode },
                Compact = _ => compact,
                Reclaim = _ => reclaim ?? NoReclaim.Instance,
            },
            seed: 1);

    /// <summary>
    /// Allocates movable order-0 pages outside any task until the allocator refuses even with the per-cpu
    /// lists drained (so no free page hides on them); returns them in allocation order.
    /// </summary>
    public static List<int> Fill(LinuxKernel k)
    {
        var pfns = new List<int>();
        int before;
        do
        {
            before = pfns.Count;
            int pfn;
            while ((pfn = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon)) >= 0)
            {
                pfns.Add(pfn);
            }

            k.Alloc.DrainAllPages();
        }
        while (pfns.Count != before);

        Assert.True(pfns.Count > k.Node.Zones[(int)ZoneType.Normal].ManagedPages * 9 / 10, $"only {pfns.Count} pages allocated");
        return pfns;
    }

    /// <summary>Runs one sleeping allocation in a task until it ends (or <paramref name="runNs"/>) and returns its result.</summary>
    public static int Allocate(LinuxKernel k, GfpFlags gfp, int order, long runNs = 60_000 * Ms)
    {
        int result = int.MinValue;
        SimTask task = k.Sim.Spawn("alloc", Body());
        k.Sim.Run(k.Sim.Now + runNs);
        Assert.Equal(TaskState.Dead, task.State);
        return result;

        IEnumerable<Wait> Body()
        {
            yield return Wait.Call(k.AllocPagesWait(gfp, order));
            result = k.Current.AllocResult;
        }
    }

    // Takes every page left below the min watermark, as a PF_MEMALLOC task may (ALLOC_NO_WATERMARKS).
    public static void ExhaustReserves(LinuxKernel k)
    {
        SimTask t = k.Sim.Spawn("memalloc", Exhaust());
        k.Sim.Run(k.Sim.Now);
        Assert.Equal(TaskState.Dead, t.State);
        k.Alloc.DrainAllPages();
        Assert.Equal(0, k.Node.Zones[(int)ZoneType.Normal].ZonePageState(ZoneStatItem.NrFreePages));

        IEnumerable<Wait> Exhaust()
        {
            TaskFlags saved = k.Current.MemallocSave(TaskFlags.Memalloc);
            do
            {
                k.Alloc.DrainAllPages();
                yield return Wait.Call(k.AllocPagesWait(GfpFlags.Kernel, 0));
            }
            while (k.Current.AllocResult >= 0);
            k.Current.MemallocRestore(TaskFlags.Memalloc, saved);
        }
    }
}
