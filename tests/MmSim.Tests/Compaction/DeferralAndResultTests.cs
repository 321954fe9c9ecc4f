using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Tests.Compaction;

/// <summary>compact_zone's results and the deferral counters (defer_compaction, compaction_deferred, compaction_defer_reset).</summary>
public class DeferralAndResultTests
{
    [Fact]
    public void Deferral_counters_evolve_as_in_the_kernel()
    {
        var rig = new CompactionRig();
        Zone z = rig.Zone;
        MainlineCompaction c = rig.Compact;
        ZoneCompaction s = c.StateOf(z);
        Assert.False(c.CompactionDeferred(z, 9));
        Assert.Equal((0, 0, 1), (s.DeferShift, s.OrderFailed, s.Considered));

        c.DeferCompaction(z, 9);
        Assert.Equal((1, 0, 0), (s.DeferShift, s.OrderFailed, s.Considered));

        // order_failed only goes down: it was 0 (zeroed zone), so order 9 stays above it and is deferred.
        Assert.True(c.CompactionDeferred(z, 9));
        Assert.False(c.CompactionDeferred(z, 9));
        Assert.Equal(2, s.Considered);

        c.CompactionDeferReset(z, 9, allocSuccess: false);
        Assert.Equal((1, 10, 2), (s.DeferShift, s.OrderFailed, s.Considered));
        Assert.False(c.CompactionDeferred(z, 9));

        // Below order_failed nothing is deferred; failures push it down and double the skips up to 64.
        for (int i = 0; i < 8; i++)
        {
            c.DeferCompaction(z, 4);
        }

        Assert.Equal((MainlineCompaction.CompactMaxDeferShift, 4, 0), (s.DeferShift, s.OrderFailed, s.Considered));
        Assert.False(c.CompactionDeferred(z, 3));
        int skipped = 0;
        while (c.CompactionDeferred(z, 9))
        {
            skipped++;
        }

        Assert.Equal(63, skipped);
        c.CompactionDeferReset(z, 4, allocSuccess: true);
        Assert.Equal((0, 5, 0), (s.DeferShift, s.OrderFailed, s.Considered));
    }

    [Fact]
    public void Compaction_of_a_whole_zone_ends_COMPLETE_and_a_run_from_the_cached_position_PARTIAL_SKIPPED()
    {
        CompactionRig rig = PinnedPunched();
        Assert.Equal(CompactResult.Complete, RunZone(rig, MigrateMode.SyncLight, order: 9, wholeZone: true));

        // Not the whole zone: the migrate scanner starts past compact_init_migrate_pfn.
        ZoneCompaction s = rig.Compact.StateOf(rig.Zone);
        s.CachedMigratePfn[1] = 4 * MmConstants.PageblockNrPages;
        Assert.Equal(CompactResult.PartialSkipped, RunZone(rig, MigrateMode.SyncLight, order: 9, wholeZone: false));
        rig.Verify("after runs");
    }

    [Fact]
    public void Compaction_for_order_9_on_punched_memory_ends_SUCCESS_with_a_free_order_9_block()
    {
        CompactionRig rig = Punched();
        Assert.Equal(0, rig.FreePagesAtOrAbove(9));
        CompactResult r = RunZone(rig, MigrateMode.SyncLight, order: 9, wholeZone: false);
        Assert.True(r == CompactResult.Success, $"{r}: migrated {rig.Event(Mm.Stat.VmEventItem.PgmigrateSuccess)} failed {rig.Event(Mm.Stat.VmEventItem.PgmigrateFail)} scanned {rig.Event(Mm.Stat.VmEventItem.CompactMigrateScanned)}/{rig.Event(Mm.Stat.VmEventItem.CompactFreeScanned)} isolated {rig.Event(Mm.Stat.VmEventItem.CompactIsolated)} free9 {rig.FreePagesAtOrAbove(9)} free {rig.Zone.ZonePageState(Mm.Stat.ZoneStatItem.NrFreePages)}");
        Assert.True(rig.FreePagesAtOrAbove(9) >= MmConstants.PageblockNrPages);
        rig.Verify("success");
    }

    [Fact]
    public void Direct_compaction_is_deferred_below_SYNC_FULL_and_a_failed_sync_attempt_defers()
    {
        CompactionRig rig = PinnedPunched();
        ZoneCompaction s = rig.Compact.StateOf(rig.Zone);

        // ASYNC that fails does not defer.
        Assert.Equal(CompactResult.Complete, Direct(rig, CompactPriority.Async));
        Assert.Equal(0, s.DeferShift);

        // SYNC_LIGHT that fails defers the zone at the order.
        CompactResult r = Direct(rig, CompactPriority.SyncLight);
        Assert.True(r is CompactResult.Complete or CompactResult.PartialSkipped, r.ToString());
        Assert.Equal((1, 0), (s.DeferShift, s.OrderFailed));

        // The next attempt at SYNC_LIGHT is deferred; SYNC_FULL ignores deferral.
        Assert.Equal(CompactResult.Deferred, Direct(rig, CompactPriority.SyncLight));
        Assert.Equal(CompactResult.Complete, Direct(rig, CompactPriority.SyncFull));
        Assert.Equal(2, s.DeferShift);
        rig.Verify("direct");
    }

    internal static CompactionRig Punched(Mm.Writeback.WritebackDesign? design = null)
    {
        var rig = new CompactionRig(design: design);
        List<int> folios = rig.FillWithFolios();
        rig.TakeAllFree();
        for (int i = 0; i < folios.Count; i += 2)
        {
            rig.Free(folios[i]);
        }

        return rig;
    }

    // Every other page free, and one pinned folio in every pageblock: no block can be emptied.
    internal static CompactionRig PinnedPunched()
    {
        CompactionRig rig = Punched();
        var pinnedBlocks = new HashSet<int>();
        for (int pfn = rig.Zone.ZoneStartPfn; pfn < rig.Zone.ZoneEndPfn; pfn++)
        {
            if (rig.Pages[pfn].Has(PageFlags.Lru) && pinnedBlocks.Add(pfn >> MmConstants.PageblockOrder))
            {
                rig.Kernel.Refs.AddPins(pfn, 1);
            }
        }

        return rig;
    }

    private static CompactResult RunZone(CompactionRig rig, MigrateMode mode, int order, bool wholeZone)
    {
        var cc = new CompactControl
        {
            Zone = rig.Zone,
            Order = order,
            SearchOrder = order,
            HighestZoneidx = (int)ZoneType.Normal,
            Mode = mode,
            GfpMask = GfpFlags.Kernel,
            AllocFlags = AllocFlags.WmarkMin,
            WholeZone = wholeZone,
        };
        SimTask t = rig.RunTask("kcompactd-like", rig.Compact.CompactZone(rig.Kernel.Alloc, cc));
        Assert.Equal(TaskState.Dead, t.State);
        return cc.Result;
    }

    internal static CompactResult Direct(CompactionRig rig, CompactPriority prio, CaptureControl? capc = null)
    {
        var cc = new CompactControl
        {
            Order = 9,
            SearchOrder = 9,
            HighestZoneidx = (int)ZoneType.Normal,
            Priority = prio,
            GfpMask = GfpFlags.HighUserMovable,
            AllocFlags = AllocFlags.WmarkMin | AllocFlags.Cma,
            Capture = capc,
        };
        SimTask t = rig.Kernel.Sim.Spawn("direct", Body());
        rig.Kernel.Sim.Run(rig.Kernel.Sim.Now + (10_000 * CompactionRig.Ms));
        Assert.Equal(TaskState.Dead, t.State);
        return cc.Result;

        IEnumerable<Wait> Body()
        {
            TaskContext current = rig.Kernel.Current;
            current.Capture = capc;
            yield return Wait.Call(rig.Compact.TryToCompactPages(rig.Kernel.Alloc, cc));
            current.Capture = null;
        }
    }
}
