using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Tests.Workloads;
using MmSim.Workloads;

namespace MmSim.Tests.Migrate;

/// <summary>Workloads whose movable blocks migrate keep working: they free the blocks at their new places.</summary>
public class WorkloadMigrationTests
{
    private const long Ms = SimTime.NsPerMs;

    /// <summary>Isolates every LRU folio of the node and migrates it (compact_memory-like, MIGRATE_SYNC).</summary>
    internal static IEnumerable<Wait> MigrateEverything(LinuxKernel k, MigrateResult result)
    {
        var list = new MigrateList();
        PageFrame[] pages = k.Node.Pages;
        for (int pfn = 0; pfn < pages.Length; pfn += 1 << (pages[pfn].Has(PageFlags.Allocated) ? pages[pfn].Order : 0))
        {
            if (pages[pfn].Has(PageFlags.Allocated) && k.Migrate.MayIsolate(pfn, IsolateMode.None) && k.Migrate.FolioIsolateLru(pfn))
            {
                list.Add(pfn);
            }
        }

        NewFolioCallback get = (src, order) => k.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.Anon);
        yield return Wait.Call(k.Migrate.MigratePages(k.Current, list, get, null, MigrateMode.Sync, MigrateReason.Compaction, result));
        k.Migrate.PutbackMovablePages(list);
    }

    [Fact]
    public void Steps_blocks_migrated_between_alloc_and_free_are_freed_at_their_new_place()
    {
        string yaml = TimedHarness.NormalMachine("256MiB") + "workloads:\n  - type: steps\n    steps:\n"
            + "      - { at: 1s, do: alloc, id: a, order: 0, gfp: GFP_HIGHUSER_MOVABLE, count: 300 }\n"
            + "      - { at: 1s, do: alloc, id: t, order: 9, gfp: GFP_TRANSHUGE }\n"
            + "      - { at: 1s, do: alloc, id: k, order: 0, gfp: GFP_KERNEL, count: 10 }\n"
            + "      - { at: 3s, do: free, id: a }\n"
            + "      - { at: 3s, do: free, id: t }\n"
            + "      - { at: 3s, do: free, id: k }\n";
        var h = TimedHarness.Start(yaml);
        h.RunUntil(1500 * Ms);
        h.Alloc.DrainAllPages();
        long freeBefore = h.FreePages;
        var result = new MigrateResult();
        h.Sim.Spawn("compact_memory", MigrateEverything(h.Kernel, result));
        h.RunUntil(2 * SimTime.NsPerSec);
        Assert.Equal((0, 300 + 512), (result.Ret, result.NrSucceeded));
        Assert.Equal(300 + 512, h.VmStat(VmEventItem.PgmigrateSuccess));
        h.Alloc.DrainAllPages();
        Assert.Equal(freeBefore, h.FreePages);
        h.Verify("after migration");

        h.RunUntil(4 * SimTime.NsPerSec);
        h.Alloc.DrainAllPages();
        Assert.Equal(freeBefore + 300 + 512 + 10, h.FreePages);
        h.Verify("after the frees");
    }

    [Fact]
    public void Frag_pages_migrate_and_stay_consistent()
    {
        string yaml = TimedHarness.NormalMachine("128MiB") + "workloads:\n  - type: frag\n    fill: 40%\n";
        var h = TimedHarness.Start(yaml);
        h.RunUntil(10 * Ms);
        long kept = h.Workloads[0].Stats.Metric(MmSim.Workloads.Timed.Frag.KeptPages);
        Assert.True(kept > 0);
        var result = new MigrateResult();
        h.Sim.Spawn("compact_memory", MigrateEverything(h.Kernel, result));
        h.RunUntil(20 * SimTime.NsPerSec);
        Assert.Equal(0, result.Ret);
        Assert.True(result.NrSucceeded >= kept);
        h.Verify("frag migrated");
    }

    [Fact]
    public void An_op_script_frees_its_migrated_blocks_through_its_mapping()
    {
        var errors = new List<ScenarioError>();
        OpScript script = OpScript.Parse(new StringReader(
            "alloc a 0 GFP_HIGHUSER_MOVABLE\nalloc b 3 GFP_HIGHUSER_MOVABLE\nalloc c 0 GFP_KERNEL\nfree a\nfree b\nfree c\n"), "m.ops", errors, OpScript.ErrorsMaxDefault)!;
        Assert.Empty(errors);
        LinuxKernel k = Kernel.BlockingKernelTests.Boot();
        k.Alloc.DrainAllPages();
        var replay = new OpScriptReplay(k.Alloc, script, k);
        long free0 = k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages);
        replay.Step();
        replay.Step();
        replay.Step();
        var result = new MigrateResult();
        k.Sim.Spawn("compact_memory", MigrateEverything(k, result));
        k.Sim.Run(SimTime.NsPerSec);
        Assert.Equal((0, 1 + 8), (result.Ret, result.NrSucceeded));
        while (!replay.Done)
        {
            replay.Step();
            KernelChecker.Verify(k, "op script");
        }

        Assert.Equal(0, replay.Stats.FreesIgnored);
        k.Alloc.DrainAllPages();
        Assert.Equal(free0, k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages));
    }
}
