using MmSim.Mm;
using MmSim.Mm.DebugVm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.PageAlloc;

public class SmokeTests
{
    [Fact]
    public void BootFreesEveryManagedPageAndChecksClean()
    {
        PageAllocator a = TestMachines.Standard(4 * TestMachines.GiB, cmaPages: 0);
        Assert.Empty(FreeAreaChecker.Check(a));
        foreach (Zone z in a.Node.Zones)
        {
            Assert.Equal(z.ManagedPages, z.VmStat[(int)ZoneStatItem.NrFreePages]);
        }
    }

    [Fact]
    public void RandomChurnKeepsInvariants()
    {
        PageAllocator a = TestMachines.Standard(64 * TestMachines.MiB * 4);
        var rng = new Prng(1);
        var live = new List<(int Pfn, int Order)>();
        var tally = new Plenty.Order0Tally();
        GfpFlags[] gfps = [GfpFlags.HighUserMovable, GfpFlags.Kernel, GfpFlags.Kernel | GfpFlags.Reclaimable, GfpFlags.Atomic];
        for (int i = 0; i < 20000; i++)
        {
            if (live.Count > 0 && rng.NextBelow(100) < 45)
            {
                int k = (int)rng.NextBelow((ulong)live.Count);
                a.FreePages(live[k].Pfn, live[k].Order);
                live[k] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
            else
            {
                int order = rng.NextBelow(10) < 8 ? 0 : (int)rng.NextBelow(11);
                bool plentiful = Plenty.ForOrder0(a);
                int pfn = a.AllocPages(gfps[rng.NextBelow((ulong)gfps.Length)], order);
                tally.Add(plentiful, 1, order == 0 ? 1 : 0, order == 0 && pfn < 0 ? 1 : 0);
                if (pfn >= 0)
                {
                    live.Add((pfn, order));
                }
            }

            if (i % 500 == 0)
            {
                FreeAreaChecker.Verify(a, $"op {i}");
            }
        }

        FreeAreaChecker.Verify(a, "end");

        // An allocator that always fails keeps every invariant: the requests must have been served.
        // 8 in 10 requests are order 0, plus 1 in 11 of the rest.
        tally.AssertAllSucceeded(order0SharePercent: 80);
        Assert.True(live.Count > 0, "blocks are held at the end");
    }
}
