using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Contig;
using MmSim.Mm.Filemap;
using MmSim.Mm.MemoryHotplug;
using MmSim.Mm.PageIsolation;
using MmSim.Sim;
using static MmSim.Tests.Contig.ContigRig;
using MmSim.Tests.Support;

namespace MmSim.Tests.Contig;

/// <summary>
/// Random sequences of isolation, alloc_contig_range, cma_alloc/release and offline/online mixed with
/// page-cache and kernel allocations: the whole kernel checker after every step and, from a second
/// task, every 500 µs of simulated time while migrations and offline passes are in flight.
/// </summary>
public class ContigInvariantTests
{
    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Isolation_contig_CMA_and_offline_keep_every_invariant(int seed)
    {
        LinuxKernel k = Boot(isolateBit: seed % 2 == 0, cmaPages: 8 * Pb, seed: (ulong)seed);
        var rng = new Prng((ulong)seed);
        var driver = new Driver(k, rng, seed);
        SimTask t = k.Sim.Spawn("driver", driver.Run(steps: 30));
        k.Sim.Spawn("checker", Checker(k, t, seed));
        k.Sim.Run(600 * SimTime.NsPerSec);
        Assert.Equal(TaskState.Dead, t.State);
        KernelChecker.Verify(k, $"seed {seed}: end");
    }

    private static IEnumerable<Wait> Checker(LinuxKernel k, SimTask driver, int seed)
    {
        while (driver.State != TaskState.Dead)
        {
            yield return Wait.Sleep(500 * SimTime.NsPerUs);
            KernelChecker.Verify(k, $"seed {seed}: t={k.Sim.Now}");
        }
    }

    private sealed class Driver(LinuxKernel k, Prng rng, int seed)
    {
        private readonly List<int> kernelPages = [];
        private readonly List<(int Pfn, int Nr)> contig = [];
        private readonly List<(int Pfn, int Nr)> cma = [];
        private readonly CachedFile file = k.PageCache.Open("inv", 1 << 16);
        private readonly AllocTally stats = new();
        private long nextIndex;

        public IEnumerable<Wait> Run(int steps)
        {
            for (int step = 0; step < steps; step++)
            {
                long op = (long)rng.NextBelow(8);
                yield return Wait.Call(Op(op));
                KernelChecker.Verify(k, $"seed {seed}: step {step} op {op}");
            }
        }

        private IEnumerable<Wait> Op(long op)
        {
            TaskContext current = k.Current;
            int normal = BlockPages;
            switch (op)
            {
                case 0:
                    for (long n = rng.NextInRange(1, 600); n > 0 && nextIndex < file.NrPages; n--)
                    {
                        yield return Wait.Call(k.PageCache.Read(file, nextIndex++, stats));
                    }

                    break;
                case 1:
                    if (kernelPages.Count > 0 && rng.NextBelow(2) == 0)
                    {
                        int i = (int)rng.NextBelow((ulong)kernelPages.Count);
                        k.Alloc.FreePages(kernelPages[i], 0);
                        kernelPages.RemoveAt(i);
                    }
                    else
                    {
                        kernelPages.Add(k.AllocPages(GfpFlags.Kernel, 0));
                    }

                    break;
                case 2:
                    int start = normal + (8 * Pb) + (int)rng.NextBelow((ulong)(normal - (16 * Pb)));
                    int nr = (int)rng.NextInRange(1, 2 * Pb);
                    var result = new ContigResult();
                    yield return Wait.Call(k.Contig.AllocContigRange(current, start, start + nr, cma: false, GfpFlags.Kernel, OwnerKind.Contig, result));
                    if (result.Ret == 0)
                    {
                        contig.Add((start, nr));
                    }

                    break;
                case 3:
                    ReleaseOne(contig, (p, n) => k.FreeContigRange(p, n));
                    ReleaseOne(cma, (p, n) => k.CmaRelease("cma0", p, n));
                    break;
                case 4:
                    int count = (int)rng.NextInRange(1, Pb);
                    yield return Wait.Call(k.CmaAlloc("cma0", count, (int)rng.NextBelow(5)));
                    if (current.AllocResult >= 0)
                    {
                        cma.Add((current.AllocResult, count));
                    }

                    break;
                case 5:
                    int block = 2;
                    if (k.Hotplug.Blocks.State(block) == MemoryBlockState.Offline)
                    {
                        Assert.True(k.OnlineMemoryBlock(block));
                    }
                    else
                    {
                        yield return Wait.Call(k.OfflineMemoryBlock(block, new OfflineAttempt()));
                    }

                    break;
                default:
                    int s = normal + (int)rng.NextBelow((ulong)(2 * normal - Pb));
                    int e = Math.Min(3 * normal, s + (int)rng.NextInRange(1, 4 * Pb));
                    if (k.Node.PageblockOnline(s) && k.Node.PageblockOnline(e - 1) && k.Isolation.StartIsolatePageRange(s, e, PbIsolateMode.Other, MigrateType.Movable) == 0)
                    {
                        KernelChecker.Verify(k, $"seed {seed}: isolated 0x{s:x}-0x{e:x}");
                        k.Isolation.UndoIsolatePageRange(s, e, MigrateType.Movable);
                    }

                    break;
            }
        }

        private void ReleaseOne(List<(int Pfn, int Nr)> list, Action<int, int> release)
        {
            if (list.Count > 0)
            {
                int i = (int)rng.NextBelow((ulong)list.Count);
                release(list[i].Pfn, list[i].Nr);
                list.RemoveAt(i);
            }
        }
    }
}
