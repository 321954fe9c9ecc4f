using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;
using static MmSim.Tests.Slowpath.SlowpathHarness;
using MmSim.Tests.Support;

namespace MmSim.Tests.Slowpath;

/// <summary>
/// Tasks that allocate and free with every kind of mask under memory pressure, with random compaction
/// results and a reclaim that sometimes frees pages: the kernel checker after every task step and every
/// mechanism call, over 100 seeds; __GFP_NOFAIL never returns failure.
/// </summary>
public class SlowpathInvariantTests
{
    private static readonly GfpFlags[] Masks =
    [
        GfpFlags.Kernel, GfpFlags.HighUserMovable, GfpFlags.Kernel | GfpFlags.NoFail, GfpFlags.Kernel | GfpFlags.RetryMayFail,
        GfpFlags.Kernel | GfpFlags.NoRetry, GfpFlags.TransHuge, GfpFlags.TransHuge | GfpFlags.NoRetry, GfpFlags.Atomic, GfpFlags.NoIo,
    ];

    private static readonly int[] Orders = [0, 0, 0, 1, 2, 3, 4, 9];

    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_slowpath_leaves_every_invariant_intact(int seed)
    {
        var prng = new Prng((ulong)seed);
        CompactResult[] results = [CompactResult.Skipped, CompactResult.Deferred, CompactResult.Complete, CompactResult.PartialSkipped, CompactResult.Success];
        var compact = new ScriptedCompact([.. Enumerable.Range(0, 64).Select(_ => results[prng.NextBelow((ulong)results.Length)])]);
        var reclaim = new ScriptedReclaim { ReportedProgress = (long)prng.NextBelow(2) };
        LinuxKernel k = Boot(compact, reclaim, defragMode: (seed & 1) == 0, normalPages: 8192);
        var held = new List<(int Pfn, int Order)>();
        compact.OnCall = _ => KernelChecker.Verify(k, $"seed {seed} in compaction");
        long nofailFailures = 0, successes = 0;
        for (int t = 0; t < 3; t++)
        {
            k.Sim.Spawn($"task{t}", Body(prng.Split((ulong)t + 1)));
        }

        k.Sim.Run(2000 * Ms);
        KernelChecker.Verify(k, $"seed {seed} at the end");
        Assert.Equal(0, nofailFailures);
        Assert.True(successes > 0, "some allocations were served");

        IEnumerable<Wait> Body(Prng r)
        {
            for (int op = 0; op < 300; op++)
            {
                if (held.Count > 0 && r.NextBelow(3) == 0)
                {
                    int i = (int)r.NextBelow((ulong)held.Count);
                    (int pfn, int order) = held[i];
                    held.RemoveAt(i);
                    if (r.NextBelow(2) == 0 || order > 0)
                    {
                        k.Alloc.FreePages(pfn, order);
                    }
                    else
                    {
                        reclaim.ToFree.Enqueue(pfn); // freed by the next direct reclaim
                    }
                }
                else
                {
                    GfpFlags gfp = Masks[r.NextBelow((ulong)Masks.Length)];
                    int order = (gfp & GfpFlags.NoFail) != 0 ? 0 : Orders[r.NextBelow((ulong)Orders.Length)];
                    yield return Wait.Call(k.AllocPagesWait(gfp, order));
                    int pfn = k.Current.AllocResult;
                    if (pfn >= 0)
                    {
                        successes++;
                        held.Add((pfn, order));
                    }
                    else if ((gfp & GfpFlags.NoFail) != 0)
                    {
                        nofailFailures++;
                    }
                }

                KernelChecker.Verify(k, $"seed {seed} op {op}");
                yield return Wait.Sleep((long)r.NextBelow(100_000));
            }
        }
    }
}
