using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Migrate;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Tests.Migrate;

/// <summary>
/// Migrating tasks in every mode racing with lock holders, writeback, extra references, frees and new
/// allocations, over many seeds, with the kernel's invariants checked whenever a task sleeps or exits.
/// </summary>
public class MigrateInvariantTests
{
    private const long Us = SimTime.NsPerUs;

    private sealed class CheckOnSwitch(LinuxKernel kernel, ulong seed) : ISchedTraceSink
    {
        public int Checks { get; private set; }

        public void Record(in SchedTraceEvent traceEvent)
        {
            if (traceEvent.Kind is SchedTraceKind.Switch or SchedTraceKind.ProcessExit)
            {
                Checks++;
                KernelChecker.Verify(kernel, $"seed {seed}: {traceEvent}");
            }
        }
    }

    private sealed class World(MigrateFixture f, Prng random)
    {
        public MigrateFixture F { get; } = f;

        public Prng Random { get; } = random;

        public List<int> Slots { get; } = [];

        public int Pfn(int slot) => F.Anon.Lookup(slot);

        public int PickSlot() => Slots[(int)Random.NextBelow((ulong)Slots.Count)];

        public void AddOne()
        {
            (_, int slot) = F.AddFolio(order: Random.NextBelow(8) == 0 ? 2 : 0);
            Slots.Add(slot);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Migration_keeps_every_invariant_under_races(ulong seed)
    {
        var f = new MigrateFixture(normalPages: 1 << 13);
        var w = new World(f, new Prng(seed));
        for (int i = 0; i < 150; i++)
        {
            w.AddOne();
        }

        var check = new CheckOnSwitch(f.Kernel, seed);
        f.Kernel.Sim.TraceSink = check;
        var results = new List<MigrateResult>();
        for (int t = 0; t < 3; t++)
        {
            f.Kernel.Sim.Spawn($"migrate{t}", Migrator(w, results));
        }

        f.Kernel.Sim.Spawn("locker", Locker(w));
        f.Kernel.Sim.Spawn("writeback", Writeback(w));
        f.Kernel.Sim.Spawn("owner", Owner(w));
        for (long now = 0; now < 2 * SimTime.NsPerSec; now += 2000 * Us)
        {
            f.Kernel.Sim.Run(now);
            KernelChecker.Verify(f.Kernel, $"seed {seed} at {now} ns");
        }

        f.Kernel.Sim.Run(60 * SimTime.NsPerSec);
        Assert.All(f.Kernel.Sim.Tasks, t => Assert.Equal(TaskState.Dead, t.State));
        Assert.Equal(0, f.NodeStat(NodeStatItem.NrIsolatedAnon));
        Assert.True(results.Sum(r => r.NrSucceeded) > 0, "some folios migrated");
        Assert.True(check.Checks > 0);
        foreach (int slot in w.Slots)
        {
            int pfn = w.Pfn(slot);
            Assert.True(f.Pages[pfn].Has(PageFlags.Lru));
            Assert.False(f.Pages[pfn].Has(PageFlags.Locked));
        }

        KernelChecker.Verify(f.Kernel, $"seed {seed} end");
    }

    public static TheoryData<ulong> Seeds()
    {
        var data = new TheoryData<ulong>();
        for (ulong s = 1; s <= 16; s++)
        {
            data.Add(s);
        }

        return data;
    }

    // Isolates a random subset of the LRU folios, migrates it in a random mode, puts back what failed.
    private static IEnumerable<Wait> Migrator(World w, List<MigrateResult> results)
    {
        LinuxKernel k = w.F.Kernel;
        for (int round = 0; round < 12; round++)
        {
            var list = new MigrateList();
            var mode = (MigrateMode)w.Random.NextBelow(3);
            foreach (int slot in w.Slots)
            {
                int pfn = w.Pfn(slot);
                if (w.Random.NextBelow(3) == 0 && k.Migrate.MayIsolate(pfn, mode == MigrateMode.Sync ? IsolateMode.None : IsolateMode.AsyncMigrate) &&
                    k.Migrate.FolioIsolateLru(pfn))
                {
                    list.Add(pfn);
                }
            }

            var result = new MigrateResult();
            results.Add(result);
            yield return Wait.Call(k.Migrate.MigratePages(k.Current, list, w.F.NewFolio, null, mode, MigrateReason.Compaction, result));
            Assert.True(result.Ret >= 0);
            Assert.Equal(result.Ret == 0 ? 0 : list.Count, list.Count);
            k.Migrate.PutbackMovablePages(list);
            yield return Wait.Sleep((long)w.Random.NextBelow(2000) * Us);
        }
    }

    // Takes a reference, locks a folio for a while, unlocks, drops the reference (a reader).
    private static IEnumerable<Wait> Locker(World w)
    {
        LinuxKernel k = w.F.Kernel;
        for (int i = 0; i < 40; i++)
        {
            int pfn = w.Pfn(w.PickSlot());
            k.Refs.AddExtraRefs(pfn, 1);
            yield return Wait.Call(k.FolioWait.FolioLock(pfn));
            yield return Wait.Sleep((long)w.Random.NextBelow(3000) * Us);
            k.FolioWait.FolioUnlock(pfn);
            k.Refs.AddExtraRefs(pfn, -1);
            yield return Wait.Sleep((long)w.Random.NextBelow(3000) * Us);
        }
    }

    // Puts an unlocked folio under writeback (holding a reference, as a bio does) and ends it later.
    private static IEnumerable<Wait> Writeback(World w)
    {
        LinuxKernel k = w.F.Kernel;
        for (int i = 0; i < 40; i++)
        {
            int slot = w.PickSlot();
            int pfn = w.Pfn(slot);
            if (w.F.Pages[pfn].Has(PageFlags.Locked) || w.F.Pages[pfn].Has(PageFlags.Writeback))
            {
                yield return Wait.Sleep(500 * Us);
                continue;
            }

            k.Refs.AddExtraRefs(pfn, 1);
            k.FolioWait.FolioStartWriteback(pfn, null);
            yield return Wait.Sleep((long)w.Random.NextBelow(20_000) * Us);
            k.FolioWait.FolioEndWriteback(pfn);
            k.Refs.AddExtraRefs(pfn, -1);
        }
    }

    // The mapping's owner frees folios (even isolated ones) and allocates new ones.
    private static IEnumerable<Wait> Owner(World w)
    {
        LinuxKernel k = w.F.Kernel;
        for (int i = 0; i < 200; i++)
        {
            int slot = w.PickSlot();
            int pfn = w.Pfn(slot);
            ref PageFrame page = ref w.F.Pages[pfn];
            if (!page.Has(PageFlags.Locked) && !page.Has(PageFlags.Writeback) && k.Refs.ExtraRefs(pfn) == 0)
            {
                int order = page.Order;
                k.Migrate.FolioPutMapped(pfn);
                w.F.Anon.Release(slot, order);
                w.Slots.Remove(slot);
                w.AddOne();
            }

            yield return Wait.Sleep((long)w.Random.NextBelow(5000) * Us);
        }
    }
}
