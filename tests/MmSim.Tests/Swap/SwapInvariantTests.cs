using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Memory;
using MmSim.Mm.Swap;
using MmSim.Sim;
using MmSim.Tests.Support;
using static MmSim.Tests.Swap.SwapRig;

namespace MmSim.Tests.Swap;

/// <summary>
/// Processes that write, munmap and re-fault their pages while a reclaimer swaps pages out and drops clean swap-cache
/// folios, and compact_memory migrates whatever it can (swap-cache folios included): the kernel checker, with the
/// swap slots check (used slots = swap entries in page tables + swap cache), after every step, over 100 seeds.
/// </summary>
public class SwapInvariantTests
{
    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Swap_slots_match_page_table_entries_and_the_swap_cache(int seed)
    {
        var prng = new Prng((ulong)seed);
        LinuxKernel k = Boot(swapPages: 96, normalPages: 1 << 13, seed: (ulong)seed, compaction: true);
        SwapState sw = k.Swap!;
        var vmas = new List<AnonVma>();
        var written = new List<(int Pfn, int Slot)>();
        long swappedIn = 0;
        for (int t = 0; t < 2; t++)
        {
            k.Sim.Spawn($"proc{t}", Process(prng.Split((ulong)t + 1)));
        }

        k.Sim.Spawn("reclaimer", Reclaimer(prng.Split(99)));
        k.Sim.Run(400 * Ms);
        KernelChecker.Verify(k, $"seed {seed} at the end");
        Assert.True(k.Node.VmEvents[(int)Mm.Stat.VmEventItem.Pswpout] > 0, "something was swapped out");
        _ = swappedIn;

        IEnumerable<Wait> Process(Prng r)
        {
            AnonVma vma = Map(k, k.Sim.Current!, 256, out _);
            vmas.Add(vma);
            for (int op = 0; op < 300; op++)
            {
                long i = (long)r.NextBelow(256);
                if (r.NextBelow(20) == 0)
                {
                    long n = 1 + (long)r.NextBelow(8);
                    long first = Math.Min(i, 256 - n);
                    bool any = false;
                    for (long j = first; j < first + n; j++)
                    {
                        any |= vma.PfnAt(j) != -2;
                    }

                    if (any)
                    {
                        vma.Unmap(first, n);
                    }
                }
                else if (vma.PfnAt(i) != -2)
                {
                    bool wasSwapped = vma.IsSwapped(i);
                    yield return Wait.Call(Touch(vma, i));
                    swappedIn += wasSwapped ? 1 : 0;
                }

                KernelChecker.Verify(k, $"seed {seed} after a process step");
                yield return Wait.Sleep(1 * Ms);
            }
        }

        IEnumerable<Wait> Reclaimer(Prng r)
        {
            for (int op = 0; op < 400; op++)
            {
                yield return Wait.Sleep((long)r.NextBelow(2 * Ms) + 1);
                if (vmas.Count > 0)
                {
                    AnonVma vma = vmas[(int)r.NextBelow((ulong)vmas.Count)];
                    int pfn = vma.PfnAt((long)r.NextBelow(256));
                    if (pfn >= 0 && !k.Node.Pages[pfn].Has(PageFlags.SwapCache) && !k.Node.Pages[pfn].Has(PageFlags.Isolated) && sw.FolioAllocSwap(pfn))
                    {
                        Assert.True(sw.TryToUnmap(pfn));
                        Assert.True(sw.Writeout(pfn));
                        written.Add((pfn, sw.FolioSwapSlot(pfn)));
                    }
                }

                // __remove_mapping of clean, unmapped folios still in the swap cache at their slot.
                for (int w = written.Count - 1; w >= 0; w--)
                {
                    (int pfn, int slot) = written[w];
                    if (sw.SwapCacheLookup(slot) != pfn)
                    {
                        written.RemoveAt(w);
                        continue;
                    }

                    ref PageFrame page = ref k.Node.Pages[pfn];
                    if (!page.Has(PageFlags.Writeback) && !page.Has(PageFlags.Mapped) && !page.Has(PageFlags.Dirty) && page.Has(PageFlags.Lru) && r.NextBelow(2) == 0)
                    {
                        Remove(k, pfn);
                        written.RemoveAt(w);
                    }
                }

                if (r.NextBelow(40) == 0)
                {
                    yield return Wait.Call(k.CompactMemory());
                }

                KernelChecker.Verify(k, $"seed {seed} after a reclaim step");
            }
        }
    }
}
