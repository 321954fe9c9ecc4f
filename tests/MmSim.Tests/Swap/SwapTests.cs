using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Memory;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;
using MmSim.Sim;
using static MmSim.Tests.Swap.SwapRig;

namespace MmSim.Tests.Swap;

/// <summary>Swap-out of an anonymous folio and its return on fault (mm/swapfile.c, mm/swap_state.c, mm/memory.c: do_swap_page).</summary>
public class SwapTests
{
    [Fact]
    public void A_folio_goes_out_to_a_slot_and_comes_back_on_a_major_fault_that_frees_the_slot()
    {
        LinuxKernel k = Boot();
        SwapState sw = k.Swap!;
        AnonVma? vma = null;
        MmStruct? mm = null;
        var back = new WaitQueue("go");
        SimTask task = k.Sim.Spawn("proc", Body());
        k.Sim.Run(Ms);

        int pfn = vma!.PfnAt(3);
        int slot = SwapOut(k, pfn);

        // try_to_unmap: the PTE holds the entry, rss moved to swap entries, the slot is used by the PTE and the cache.
        Assert.True(vma.IsSwapped(3));
        Assert.Equal(SwapState.SwpEntry(slot), vma.PfnAt(3));
        Assert.Equal((15L, 1L), (mm!.GetMmCounter(MmCounter.AnonPages), mm.GetMmCounter(MmCounter.SwapEnts)));
        Assert.Equal((1, sw.TotalSwapPages - 1), (sw.SwapCount(slot), sw.NrSwapPages));
        Assert.True(k.Node.Pages[pfn].Has(PageFlags.Writeback | PageFlags.Reclaim | PageFlags.SwapCache));
        Assert.False(k.Node.Pages[pfn].Has(PageFlags.Dirty));
        Assert.Equal(1, k.Node.VmEvents[(int)VmEventItem.Pswpout]);
        Assert.Equal(1, k.Node.VmStat[(int)NodeStatItem.NrWriteback]);
        KernelChecker.Verify(k, "under writeback");

        // The device ends the write; reclaim takes the clean folio out of the swap cache and frees it.
        k.Sim.Run(2 * Ms);
        Assert.False(k.Node.Pages[pfn].Has(PageFlags.Writeback));
        Assert.Equal(0, k.Node.VmStat[(int)NodeStatItem.NrWriteback]);
        Remove(k, pfn);
        Assert.Equal(1, sw.SwapCount(slot));
        Assert.Equal(-1, sw.SwapCacheLookup(slot));
        KernelChecker.Verify(k, "swapped out");

        // The process writes the page again: a major fault reads the slot back (D, folio_wait_bit_common).
        long t0 = k.Sim.Now;
        Assert.Equal(1, back.WakeUpAll());
        k.Sim.Run(t0 + 50_000);
        Assert.Equal(TaskState.Uninterruptible, task.State);
        Assert.Equal(SwapState.SwapReadWaitSite, task.WaitSite);
        k.Sim.Run(t0 + (2 * Ms));

        Assert.True(vma.IsMapped(3));
        Assert.Equal((1L, 1L), (k.Node.VmEvents[(int)VmEventItem.Pswpin], k.Node.VmEvents[(int)VmEventItem.Pgmajfault]));
        Assert.Equal((16L, 0L), (mm.GetMmCounter(MmCounter.AnonPages), mm.GetMmCounter(MmCounter.SwapEnts)));
        Assert.Equal((0, sw.TotalSwapPages, 0L), (sw.SwapCount(slot), sw.NrSwapPages, sw.NrSwapCache));
        Assert.False(k.Node.Pages[vma.PfnAt(3)].Has(PageFlags.SwapCache));
        KernelChecker.Verify(k, "swapped in");

        IEnumerable<Wait> Body()
        {
            vma = Map(k, k.Sim.Current!, 16, out MmStruct m);
            mm = m;
            for (long i = 0; i < 16; i++)
            {
                yield return Wait.Call(Touch(vma, i));
            }

            yield return Wait.On(back, TaskState.Interruptible, "sys_pause");
            yield return Wait.Call(Touch(vma, 3));
        }
    }

    [Fact]
    public void A_fault_on_a_folio_still_in_the_swap_cache_maps_it_without_a_read()
    {
        LinuxKernel k = Boot();
        SwapState sw = k.Swap!;
        AnonVma? vma = null;
        var back = new WaitQueue("go");
        k.Sim.Spawn("proc", Body());
        k.Sim.Run(Ms);
        int pfn = vma!.PfnAt(5);
        int slot = SwapOut(k, pfn);

        // Faulting while the write is in flight: the folio is mapped again but keeps its slot (under writeback).
        back.WakeUpAll();
        k.Sim.Run(Ms + 1);
        Assert.Equal(pfn, vma.PfnAt(5));
        Assert.Equal(0, k.Node.VmEvents[(int)VmEventItem.Pswpin]);
        Assert.Equal(0, k.Node.VmEvents[(int)VmEventItem.Pgmajfault]);
        Assert.Equal(pfn, sw.SwapCacheLookup(slot));
        Assert.Equal(0, sw.SwapCount(slot));
        KernelChecker.Verify(k, "mapped from the swap cache under writeback");

        // munmap after the write ended: free_swap_cache takes it out of the cache and frees slot and folio.
        k.Sim.Run(3 * Ms);
        long free = k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages) + k.Node.Zones[(int)ZoneType.Normal].Pcp.Count;
        vma.Unmap(5, 1);
        Assert.Equal((sw.TotalSwapPages, 0L), (sw.NrSwapPages, sw.NrSwapCache));
        Assert.Equal(free + 1, k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages) + k.Node.Zones[(int)ZoneType.Normal].Pcp.Count);
        KernelChecker.Verify(k, "unmapped");

        IEnumerable<Wait> Body()
        {
            vma = Map(k, k.Sim.Current!, 8, out _);
            for (long i = 0; i < 8; i++)
            {
                yield return Wait.Call(Touch(vma, i));
            }

            yield return Wait.On(back, TaskState.Interruptible, "sys_pause");
            yield return Wait.Call(Touch(vma, 5));
        }
    }

    [Fact]
    public void Munmap_of_swap_entries_frees_their_slots_and_an_idle_cached_folio()
    {
        LinuxKernel k = Boot();
        SwapState sw = k.Swap!;
        AnonVma? vma = null;
        MmStruct? mm = null;
        k.Sim.Spawn("proc", Body());
        k.Sim.Run(Ms);
        int a = vma!.PfnAt(1), b = vma.PfnAt(2);
        SwapOut(k, a);
        SwapOut(k, b);
        k.Sim.Run(3 * Ms);
        Remove(k, a);

        // Page 1's slot is referenced by its PTE only; page 2's also by the swap cache, whose folio sits on the LRU.
        // munmap frees pages 0 and 3, page 2's cached folio and the page table.
        Assert.Equal((sw.TotalSwapPages - 2, 1L), (sw.NrSwapPages, sw.NrSwapCache));
        long free = k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages) + k.Node.Zones[(int)ZoneType.Normal].Pcp.Count;
        vma.Unmap(0, 4);
        Assert.Equal((sw.TotalSwapPages, 0L), (sw.NrSwapPages, sw.NrSwapCache));
        Assert.Equal(0, mm!.GetMmCounter(MmCounter.SwapEnts));
        Assert.Equal(free + 2 + 1 + 1, k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages) + k.Node.Zones[(int)ZoneType.Normal].Pcp.Count);
        KernelChecker.Verify(k, "unmapped");

        IEnumerable<Wait> Body()
        {
            vma = Map(k, k.Sim.Current!, 4, out MmStruct m);
            mm = m;
            for (long i = 0; i < 4; i++)
            {
                yield return Wait.Call(Touch(vma, i));
            }
        }
    }

    [Fact]
    public void Slots_run_out_and_large_folios_get_none()
    {
        LinuxKernel k = Boot(swapPages: 2);
        SwapState sw = k.Swap!;
        AnonVma? vma = null;
        k.Sim.Spawn("proc", Body());
        k.Sim.Run(Ms);
        Assert.True(sw.CanReclaimAnon(0));
        SwapOut(k, vma!.PfnAt(0));
        SwapOut(k, vma.PfnAt(1));
        Assert.False(sw.CanReclaimAnon(0));
        Assert.False(sw.FolioAllocSwap(vma.PfnAt(2)));
        int thp = k.AllocPages(GfpFlags.TransHuge, 9, OwnerKind.Anon);
        Assert.False(sw.FolioAllocSwap(thp));
        k.Alloc.FreePages(thp, 9);

        IEnumerable<Wait> Body()
        {
            vma = Map(k, k.Sim.Current!, 3, out _);
            for (long i = 0; i < 3; i++)
            {
                yield return Wait.Call(Touch(vma, i));
            }
        }
    }
}
