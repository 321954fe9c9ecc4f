using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memcontrol;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Vmscan;

/// <summary>
/// The kernel's invariants (KernelChecker with the LRU and reclaim checks) hold on a page-cache-heavy
/// run over many seeds: readers of files larger than memory, a writer dirtying pages and charging
/// some to a memcg, a flusher whose writeback ends at random times (rotating PG_reclaim folios),
/// memcg limit reclaim (v1 or v2), kswapd, and files unlinked under reclaim.
/// </summary>
public class ReclaimInvariantTests
{
    private const long Us = 1000;

    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Invariants_hold_through_page_cache_reclaim(int seed)
    {
        var rng = new Random(seed);
        var rig = new ReclaimRig(normalPages: 1 << 12, cgroups: seed % 2 == 0 ? CgroupVersion.V1 : CgroupVersion.V2, seed: (ulong)seed);
        rig.Kernel.StartDaemons();
        MemCgroup m = rig.Kernel.Memcg.Create("/m");
        CachedFile[] files = [rig.Kernel.PageCache.Open("a", 3000), rig.Kernel.PageCache.Open("b", 3000)];
        const long end = 150_000 * Us;
        var tasks = new List<SimTask>
        {
            rig.Kernel.Sim.Spawn("reader1", Reader(rig, files, new Random(rng.Next()), end)),
            rig.Kernel.Sim.Spawn("reader2", Reader(rig, files, new Random(rng.Next()), end)),
            rig.Kernel.Sim.Spawn("writer", Writer(rig, files, m, new Random(rng.Next()), end)),
            rig.Kernel.Sim.Spawn("flusher", Flusher(rig, files, new Random(rng.Next()), end), kernelThread: true),
            rig.Kernel.Sim.Spawn("limit", Limit(rig, m, new Random(rng.Next()), end)),
        };
        while (rig.Kernel.Sim.Now < end + (50_000 * Us))
        {
            rig.Kernel.Sim.Run(rig.Kernel.Sim.Now + (500 * Us));
            rig.Verify($"seed {seed} at {rig.Kernel.Sim.Now} ns");
        }

        Assert.All(tasks, t => Assert.Equal(TaskState.Dead, t.State));
        Assert.True(rig.Vm(Mm.Stat.VmEventItem.PgstealFile) > 0, $"reclaim freed page cache: free {rig.Free} cached {files[0].NrCached}+{files[1].NrCached} scan {rig.Vm(Mm.Stat.VmEventItem.PgscanFile)} allocs {rig.Tally.Allocs}/{rig.Tally.AllocFailures} wakeups {rig.Kernel.Daemons!.Kswapd.Wakeups} now {rig.Kernel.Sim.Now}");
        rig.Verify($"seed {seed} end");
    }

    private static IEnumerable<Wait> Reader(ReclaimRig rig, CachedFile[] files, Random rng, long end)
    {
        while (rig.Kernel.Sim.Now < end)
        {
            CachedFile f = files[rng.Next(files.Length)];
            long index = rng.Next((int)f.NrPages);
            yield return Wait.Call(rig.Kernel.PageCache.Read(f, index, rig.Tally));
            if (PageCache.TryReadCached(f, index) && rng.Next(4) == 0)
            {
                rig.Kernel.Lru.FolioMarkAccessed(f.Pfn[index]);
            }

            yield return Wait.For(rng.Next(5, 40) * Us);
        }
    }

    private static IEnumerable<Wait> Writer(ReclaimRig rig, CachedFile[] files, MemCgroup m, Random rng, long end)
    {
        while (rig.Kernel.Sim.Now < end)
        {
            CachedFile f = files[rng.Next(files.Length)];
            long index = rng.Next((int)f.NrPages);
            int roll = rng.Next(3000);
            if (roll < 2)
            {
                rig.Kernel.PageCache.Unlink(f);
            }
            else if (roll < 900 && f.Pfn[index] >= 0 && rig.Node.Pages[f.Pfn[index]].Has(PageFlags.Lru) && rig.Node.FolioMemcg[f.Pfn[index]] == 0)
            {
                rig.Charge(f.Pfn[index], m);
            }
            else
            {
                yield return Wait.Call(rig.Kernel.PageCache.Write(f, index, rig.Tally));
            }

            yield return Wait.For(rng.Next(20, 100) * Us);
        }
    }

    // Starts writeback of up to 32 dirty pages every couple of ms; each ends 1–20 ms later (folio_end_writeback).
    private static IEnumerable<Wait> Flusher(ReclaimRig rig, CachedFile[] files, Random rng, long end)
    {
        while (rig.Kernel.Sim.Now < end)
        {
            yield return Wait.For(rng.Next(1000, 3000) * Us);
            CachedFile f = files[rng.Next(files.Length)];
            int started = 0;
            for (long i = rng.Next((int)f.NrPages); i < f.NrPages && started < 32; i++)
            {
                int pfn = f.Pfn[i];
                if (pfn < 0 || !rig.Node.Pages[pfn].Has(PageFlags.Dirty) || rig.Node.Pages[pfn].Has(PageFlags.Writeback) || !rig.Kernel.FolioWait.FolioTrylock(pfn))
                {
                    continue;
                }

                rig.Kernel.PageCache.StartWriteback(f, i, rig.Kernel.FolioWait, null!);
                rig.Kernel.FolioWait.FolioUnlock(pfn);
                started++;
                long index = i;
                rig.Kernel.Sim.Schedule(rng.Next(1000, 20_000) * Us, () => WritebackCaseTests.EndWriteback(rig, f, index));
            }
        }
    }

    private static IEnumerable<Wait> Limit(ReclaimRig rig, MemCgroup m, Random rng, long end)
    {
        while (rig.Kernel.Sim.Now < end)
        {
            yield return Wait.For(rng.Next(2000, 8000) * Us);
            if (m.Memory.Usage > 64)
            {
                yield return Wait.Call(rig.Reclaim.TryToFreeMemCgroupPages(m, 32, GfpFlags.HighUserMovable));
            }
        }
    }
}
