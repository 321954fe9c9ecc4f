using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Compaction;

/// <summary>
/// The kernel's invariants (KernelChecker: buddy lists, free pages conserved with isolated ones
/// counted, reverse map, stray refs and waits) hold through concurrent compactions over many seeds:
/// compact_memory, direct compaction with capture at a random priority, and a kcompactd-like run,
/// while another task frees folios and writebacks end.
/// </summary>
public class CompactionInvariantTests
{
    private const long Us = 1000;

    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Invariants_hold_through_concurrent_compaction(int seed)
    {
        var rng = new Random(seed);
        var rig = new CompactionRig(normalPages: 1 << 13, seed: (ulong)seed);
        var placed = new List<(SlotMapping M, int Index)>();
        SlotMapping[] maps = [rig.Anon, rig.File, rig.FileWithMigrate];
        while (rig.Zone.ZonePageState(Mm.Stat.ZoneStatItem.NrFreePages) > rig.Zone.Watermark[(int)WatermarkIndex.High] + 64)
        {
            SlotMapping m = maps[rng.Next(maps.Length)];
            int order = rng.Next(10) == 0 ? 2 : 0;
            PageFlags extra = rng.Next(8) == 0 ? PageFlags.Dirty : PageFlags.None;
            int pfn = rig.AddFolio(m, order, extra);
            placed.Add((m, rig.Node.FolioIndex[pfn]));
            int roll = rng.Next(40);
            if (roll == 0)
            {
                rig.Kernel.Refs.AddPins(pfn, 1);
            }
            else if (roll == 1)
            {
                rig.Kernel.FolioWait.FolioStartWriteback(pfn, null);
                int p = pfn;
                rig.Kernel.Sim.Schedule(rng.Next(1, 2000) * Us, () => rig.Kernel.FolioWait.FolioEndWriteback(p));
            }
        }

        // Free a random half now, the rest in a task while compaction runs.
        Shuffle(placed, rng);
        int half = placed.Count / 2;
        foreach ((SlotMapping m, int index) in placed.Take(half))
        {
            FreeAt(rig, m, index);
        }

        rig.Verify($"seed {seed} set up");
        var later = placed.Skip(half).Where(_ => rng.Next(3) == 0).ToList();
        CompactPriority prio = (CompactPriority)rng.Next(3);
        int directOrder = rng.Next(2, 10);
        var capc = new CaptureControl { Order = directOrder, Migratetype = MigrateType.Movable };
        var tasks = new List<SimTask>
        {
            rig.Kernel.Sim.Spawn("sh", rig.Kernel.CompactMemory()),
            rig.Kernel.Sim.Spawn("direct", Direct(rig, prio, directOrder, capc)),
            rig.Kernel.Sim.Spawn("kcompactd0", Kcompactd(rig, rng.Next(2, 10))),
            rig.Kernel.Sim.Spawn("freer", Freer(rig, later)),
        };
        for (int step = 0; step < 100_000 && tasks.Any(t => t.State != TaskState.Dead); step++)
        {
            rig.Kernel.Sim.Run(rig.Kernel.Sim.Now + (10 * Us));
            rig.Verify($"seed {seed} at {rig.Kernel.Sim.Now} ns");
        }

        Assert.All(tasks, t => Assert.Equal(TaskState.Dead, t.State));
        rig.Verify($"seed {seed} end");
    }

    private static void FreeAt(CompactionRig rig, SlotMapping m, int index)
    {
        int pfn = m.Lookup(index);
        if (pfn >= 0 && rig.Pages[pfn].Has(PageFlags.Allocated) && !rig.Pages[pfn].Has(PageFlags.Pinned) &&
            !rig.Pages[pfn].Has(PageFlags.Writeback) && !rig.Pages[pfn].Has(PageFlags.Locked) && !rig.Pages[pfn].Has(PageFlags.Isolated))
        {
            rig.Free(pfn);
        }
    }

    private static IEnumerable<Wait> Freer(CompactionRig rig, List<(SlotMapping M, int Index)> later)
    {
        foreach ((SlotMapping m, int index) in later)
        {
            yield return Wait.For(3 * Us);
            FreeAt(rig, m, index);
        }
    }

    private static IEnumerable<Wait> Direct(CompactionRig rig, CompactPriority prio, int order, CaptureControl capc)
    {
        var cc = new CompactControl
        {
            Order = order,
            SearchOrder = order,
            HighestZoneidx = (int)ZoneType.Normal,
            Priority = prio,
            GfpMask = GfpFlags.HighUserMovable,
            AllocFlags = AllocFlags.WmarkMin | AllocFlags.Cma,
            Capture = capc,
        };
        TaskContext current = rig.Kernel.Current;
        current.Capture = capc;
        yield return Wait.Call(rig.Compact.TryToCompactPages(rig.Kernel.Alloc, cc));
        current.Capture = null;
        yield return Wait.For(cc.CostNs);
        if (capc.Page >= 0)
        {
            // The allocation takes the captured block, then gives it back.
            rig.Kernel.Alloc.PostAllocHookIsolated(capc.Page, order);
            yield return Wait.For(10 * Us);
            rig.Kernel.Alloc.FreePages(capc.Page, order);
        }
    }

    private static IEnumerable<Wait> Kcompactd(CompactionRig rig, int order)
    {
        var cc = new CompactControl
        {
            Zone = rig.Zone,
            Order = order,
            SearchOrder = order,
            HighestZoneidx = (int)ZoneType.Normal,
            Mode = MigrateMode.SyncLight,
            GfpMask = GfpFlags.Kernel,
            AllocFlags = AllocFlags.WmarkMin,
        };
        yield return Wait.Call(rig.Compact.CompactZone(rig.Kernel.Alloc, cc));
        yield return Wait.For(cc.CostNs);
    }

    private static void Shuffle<T>(List<T> list, Random rng)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
