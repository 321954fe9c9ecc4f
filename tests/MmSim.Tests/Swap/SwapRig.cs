using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Memory;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Swap;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Tests.Swap;

/// <summary>A kernel with a swap device, and the reclaim side of swap-out done by hand in the kernel's order.</summary>
internal static class SwapRig
{
    public const long Ms = 1_000_000;

    public static LinuxKernel Boot(long swapPages = 1024, long normalPages = 1 << 14, ulong seed = 1, bool compaction = false) =>
        LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, normalPages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions(),
                Compact = compaction ? MmSim.Kernel.Designs.Mechanisms.Compaction.Get("mainline").Create : _ => NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                Swap = new SwapSpec(swapPages, SwapSpec.DefaultLatencyNs, SwapSpec.DefaultBytesPerSec),
            },
            seed);

    /// <summary>Makes the running task a process with a mapping of <paramref name="pages"/> base pages.</summary>
    public static AnonVma Map(LinuxKernel k, SimTask task, long pages, out MmStruct mm)
    {
        mm = k.Oom.CreateProcess(task, task.Comm);
        return k.Mmap(new WorkloadStats(), pages, new AnonVmaFlags(ThpMode.Never, ThpDefrag.Madvise, Locked: false, LongtermPin: false), task.Comm);
    }

    /// <summary>A write to page <paramref name="index"/> (the fault, if any).</summary>
    public static IEnumerable<Wait> Touch(AnonVma vma, long index)
    {
        if (vma.TryHandleMmFault(index, out bool failed) == FaultResult.NeedsSleepablePath)
        {
            yield return Wait.Call(vma.HandleMmFault(index, failed));
        }
    }

    /// <summary>shrink_folio_list's anonymous path up to the write: folio_alloc_swap, try_to_unmap, pageout.</summary>
    public static int SwapOut(LinuxKernel k, int pfn)
    {
        SwapState sw = k.Swap!;
        Assert.True(sw.FolioAllocSwap(pfn));
        Assert.True(sw.TryToUnmap(pfn));
        Assert.True(sw.Writeout(pfn));
        return sw.FolioSwapSlot(pfn);
    }

    /// <summary>__remove_mapping of the clean, unmapped swap-cache folio, then its free (as reclaim does once writeback ended).</summary>
    public static void Remove(LinuxKernel k, int pfn)
    {
        k.Swap!.DeleteFromSwapCache(pfn, -1);
        k.Lru.FolioPutLru(pfn);
        k.Alloc.FreePages(pfn, 0);
    }
}
