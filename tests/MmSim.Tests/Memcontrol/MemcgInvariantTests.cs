using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.Memory;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Memcontrol;

/// <summary>
/// Charges sum to each cgroup's usage and each usage to its subtree's, after every operation of
/// random faulting, writing, unlinking and unmapping tasks in a small hierarchy with limits and high
/// marks (charges that fail, forced and throttled ones included), over 120 seeds and both hierarchies.
/// </summary>
public class MemcgInvariantTests
{
    private const long Us = SimTime.NsPerUs;

    public static TheoryData<int> Seeds() => SeedRange.UpTo(120);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_operation_keeps_charges_equal_to_usage_up_the_hierarchy(int seed)
    {
        var prng = new Prng((ulong)seed);
        CgroupVersion version = (seed & 1) == 0 ? CgroupVersion.V2 : CgroupVersion.V1;
        LinuxKernel k = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, 4096, 0, 0)], []),
            new KernelParams
            {
                Alloc = new Mm.PageAlloc.PageAllocOptions { PcpEnabled = (seed & 2) == 0 },
                Compact = _ => Mm.Compaction.Impl.NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                CgroupVersion = version,
            },
            seed: (ulong)seed);
        MemCgroup a = k.Memcg.Create("/a");
        a.Memory.Limit = 300 + (long)prng.NextBelow(600);
        MemCgroup b = k.Memcg.Create("/a/b", a);
        b.Memory.Limit = 100 + (long)prng.NextBelow(400);
        MemCgroup c = k.Memcg.Create("/c");
        if (version == CgroupVersion.V2)
        {
            b.High = 50 + (long)prng.NextBelow(200);
            c.High = 200 + (long)prng.NextBelow(400);
        }

        long ops = 0;
        string? failure = null;
        MemCgroup[] groups = [a, b, c, k.Memcg.Root];
        for (int t = 0; t < 6; t++)
        {
            MemCgroup cg = groups[t % groups.Length];
            SimTask task = k.Sim.Spawn($"task{t}", Body(t, prng.Split((ulong)t + 1)));
            k.ContextOf(task).MemcgId = cg.Id;
        }

        k.Sim.Run(20 * SimTime.NsPerMs);
        Assert.Null(failure);
        Assert.True(ops > 300, $"only {ops} operations ran");
        Assert.True(a.Memory.Watermark > 0 && c.Memory.Watermark > 0, "the cgroups were charged");
        KernelChecker.Verify(k, $"seed {seed} at the end");

        IEnumerable<Wait> Body(int t, Prng r)
        {
            var tally = new AllocTally();
            AnonVma vma = k.Mmap(tally, 1024, new AnonVmaFlags((t & 1) == 0 ? ThpMode.Never : ThpMode.Always, ThpDefrag.Madvise, Locked: false, LongtermPin: false), $"task{t}");
            CachedFile file = k.PageCache.Open($"file{t}", 512);
            TaskContext current = k.Current;
            while (failure is null)
            {
                ulong op = r.NextBelow(100);
                if (op < 45)
                {
                    long i = (long)r.NextBelow(1024);
                    if (vma.TryHandleMmFault(i, out bool fastFailed) == FaultResult.NeedsSleepablePath)
                    {
                        yield return Wait.Call(vma.HandleMmFault(i, fastFailed));
                    }
                }
                else if (op < 85)
                {
                    yield return Wait.Call(k.PageCache.Write(file, (long)r.NextBelow(512), tally));
                }
                else if (op < 93)
                {
                    long first = (long)r.NextBelow(1024);
                    vma.Unmap(first, Math.Min(1024 - first, 1 + (long)r.NextBelow(256)));
                    vma = k.Mmap(tally, 1024, new AnonVmaFlags(ThpMode.Never, ThpDefrag.Madvise, Locked: false, LongtermPin: false), $"task{t}");
                }
                else
                {
                    k.PageCache.Unlink(file);
                    file = k.PageCache.Open($"file{t}-{ops}", 512);
                }

                ops++;
                failure ??= k.Memcg.Verify() is string f ? $"seed {seed} op {ops}: {f}" : null;
                if (ops % 256 == 0)
                {
                    KernelChecker.Verify(k, $"seed {seed} op {ops}");
                }

                yield return Wait.Sleep(1 + (long)r.NextBelow(200 * (ulong)Us));
            }
        }
    }
}
