using System.Diagnostics;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan;

// balance_pgdat and the node balance checks it and wakeup_kswapd share.
public sealed partial class Kswapd
{
    // zone_boosts[] of the current balance_pgdat run, indexed by zone; preallocated (the run is a coroutine).
    private readonly long[] zoneBoosts = new long[ZoneTypes.Count];

    // balance_pgdat's return value: the order kswapd finished reclaiming at.
    private int balancedOrder;

    /// <summary>
    /// Reclaims until some eligible zone meets its high watermark at <paramref name="order"/>, raising the
    /// scan priority as passes fall short; with a boosted watermark first reclaims the boost (no writeback,
    /// no swap), then clears the boost and wakes kcompactd for a pageblock.
    /// </summary>
    /// <remarks>mm/vmscan.c: balance_pgdat (6.18: a pass that reclaims nothing counts a failure even when boosted).
    /// Each priority step yields the reclaim's simulated cost (cond_resched when it is 0). Sets
    /// <see cref="balancedOrder"/>.</remarks>
    private IEnumerable<Wait> BalancePgdat(int order, int highestZoneidx)
    {
        var sc = new ScanControl { GfpMask = GfpFlags.Kernel, Order = order, MayUnmap = true, IsKswapd = true };
        CountVmEvent(VmEventItem.Pageoutrun);

        // The zone boost stays in place while kswapd works, so that parallel allocations near the
        // watermark stall or reclaim directly until kswapd is finished.
        long nrBoostReclaim = AccountBoosts(highestZoneidx);
        bool boosted = nrBoostReclaim != 0;
        bool reachedBalance = false;
        bool restart = true;
        while (restart)
        {
            restart = false;
            SetReclaimActive(highestZoneidx, active: true);
            sc.Priority = DefPriority;
            do
            {
                long nrReclaimed = sc.NrReclaimed;
                bool balanced = PgdatBalanced(sc.Order, highestZoneidx);

                // An imbalanced node ignores the boost and reclaims normally; the boost is still reset at the end.
                if (!balanced && nrBoostReclaim != 0)
                {
                    nrBoostReclaim = 0;
                    restart = true;
                    break;
                }

                if (nrBoostReclaim == 0 && balanced)
                {
                    reachedBalance = true;
                    break;
                }

                bool raisePriority = PrepareScanPass(sc, highestZoneidx, nrBoostReclaim);
                long reclaimedBefore = sc.NrReclaimed;
                yield return Wait.Call(reclaim.ShrinkNode(alloc, sc));

                // No need to raise the priority if enough was scanned to meet the high watermark at 100 % efficiency.
                raisePriority &= !AfterShrinkNode(sc, reclaimedBefore);
                yield return Wait.For(sc.CostNs);
                sc.CostNs = 0;
                nrReclaimed = sc.NrReclaimed - nrReclaimed;
                nrBoostReclaim -= Math.Min(nrBoostReclaim, nrReclaimed);

                // No progress on a boost: stop, as IO cannot be queued and it could loop forever.
                if (nrBoostReclaim != 0 && nrReclaimed == 0)
                {
                    break;
                }

                if (raisePriority || nrReclaimed == 0)
                {
                    sc.Priority--;
                }
            }
            while (sc.Priority >= 1);
        }

        if (!reachedBalance && sc.NrReclaimed == 0)
        {
            KswapdFailures++;
        }

        SetReclaimActive(highestZoneidx, active: false);
        if (boosted)
        {
            FinishBoostedReclaim(highestZoneidx);
        }

        reclaim.SnapshotRefaults();
        balancedOrder = sc.Order;
    }

    /// <summary>Sets up one priority step of balance_pgdat (and kswapd_shrink_node's target); false if the priority should stay.</summary>
    private bool PrepareScanPass(ScanControl sc, int highestZoneidx, long nrBoostReclaim)
    {
        sc.ReclaimIdx = highestZoneidx;

        // Limit the priority of boosting to avoid reclaim writeback; boosted reclaim does no IO.
        bool raisePriority = !(nrBoostReclaim != 0 && sc.Priority == DefPriority - 2);
        sc.MayWritepage = nrBoostReclaim == 0;
        sc.MaySwap = nrBoostReclaim == 0;
        sc.NrScanned = 0;
        SetNrToReclaim(sc);
        return raisePriority;
    }

    /// <summary>
    /// pgdat_balanced: some managed zone up to <paramref name="highestZoneidx"/> meets its high
    /// watermark (boost included) at <paramref name="order"/>; a node without one is balanced.
    /// </summary>
    /// <param name="order">Order.</param>
    /// <param name="highestZoneidx">Highest eligible zone (up to <see cref="MaxNrZones"/> − 1).</param>
    /// <returns>True when balanced.</returns>
    /// <remarks>mm/vmscan.c: pgdat_balanced (NUMA memory tiering off: WMARK_HIGH). Cost: O(zones × orders).</remarks>
    internal bool PgdatBalanced(int order, int highestZoneidx)
    {
        Debug.Assert(highestZoneidx >= 0 && highestZoneidx < MaxNrZones, "a zone index");
        Zone[] zones = alloc.Node.Zones;
        bool anyManaged = false;
        for (int i = 0; i <= highestZoneidx && i < zones.Length; i++)
        {
            Zone zone = zones[i];
            if (zone.ManagedPages == 0)
            {
                continue;
            }

            anyManaged = true;
            long mark = zone.WmarkPages(WatermarkIndex.High);
            if (PageAllocator.ZoneWatermarkOk(zone, order, mark, (ZoneType)highestZoneidx, AllocFlags.WmarkMin))
            {
                return true;
            }
        }

        // No managed zone is eligible (a small machine under a highmem request): nothing to balance.
        return !anyManaged;
    }

    /// <summary>pgdat_watermark_boosted: some managed zone up to <paramref name="highestZoneidx"/> has a boost.</summary>
    /// <remarks>mm/vmscan.c: pgdat_watermark_boosted.</remarks>
    private bool PgdatWatermarkBoosted(int highestZoneidx)
    {
        Zone[] zones = alloc.Node.Zones;
        for (int i = Math.Min(highestZoneidx, zones.Length - 1); i >= 0; i--)
        {
            if (zones[i].ManagedPages != 0 && zones[i].WatermarkBoost != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sums the boosts of the eligible zones and remembers each (balance_pgdat's zone_boosts[]).</summary>
    private long AccountBoosts(int highestZoneidx)
    {
        Array.Clear(zoneBoosts);
        Zone[] zones = alloc.Node.Zones;
        long sum = 0;
        for (int i = 0; i <= highestZoneidx && i < zones.Length; i++)
        {
            if (zones[i].ManagedPages != 0)
            {
                zoneBoosts[i] = zones[i].WatermarkBoost;
                sum += zones[i].WatermarkBoost;
            }
        }

        Debug.Assert(sum >= 0, "boosts are non-negative");
        return sum;
    }

    /// <summary>
    /// After a boosted run: takes off each zone's boost as it was at the start (later boosts stay), then
    /// wakes kcompactd for a pageblock, as there is now likely space to defragment.
    /// </summary>
    private void FinishBoostedReclaim(int highestZoneidx)
    {
        Zone[] zones = alloc.Node.Zones;
        for (int i = 0; i <= highestZoneidx && i < zones.Length; i++)
        {
            if (zoneBoosts[i] == 0)
            {
                continue;
            }

            Zone zone = zones[i];
            zone.WatermarkBoost -= Math.Min(zone.WatermarkBoost, zoneBoosts[i]);
            Debug.Assert(zone.WatermarkBoost >= 0, "boost never negative");
        }

        kcompactd?.WakeupKcompactd(MmConstants.PageblockOrder, highestZoneidx);
    }

    /// <summary>kswapd_shrink_node's target: the high watermarks of the eligible zones.</summary>
    private void SetNrToReclaim(ScanControl sc)
    {
        sc.NrToReclaim = 0;
        Zone[] zones = alloc.Node.Zones;
        for (int z = 0; z <= sc.ReclaimIdx && z < zones.Length; z++)
        {
            if (zones[z].ManagedPages != 0)
            {
                sc.NrToReclaim += Math.Max(zones[z].WmarkPages(WatermarkIndex.High), SwapClusterMax);
            }
        }
    }

    /// <summary>
    /// What kswapd_shrink_node does after shrink_node: true when enough was scanned that the priority need not rise.
    /// </summary>
    /// <remarks>mm/vmscan.c: kswapd_shrink_node; shrink_node's reset of kswapd_failures on progress.</remarks>
    private bool AfterShrinkNode(ScanControl sc, long nrReclaimed)
    {
        Debug.Assert(sc.NrReclaimed >= nrReclaimed, "reclaim never un-reclaims");
        Debug.Assert(sc.CostNs >= 0, "cost is a duration");
        if (sc.NrReclaimed > nrReclaimed)
        {
            ClearHopeless();
        }

        // Fragmentation may mean the order cannot be met even with many free pages: once a compaction
        // gap's worth is reclaimed, reclaim for order 0 and let compaction do the rest.
        if (sc.Order != 0 && sc.NrReclaimed >= 2L << sc.Order)
        {
            sc.Order = 0;
        }

        return Math.Max(sc.NrScanned, sc.NrReclaimed - nrReclaimed) >= sc.NrToReclaim;
    }

    /// <summary>Sets or clears ZONE_RECLAIM_ACTIVE on the eligible zones (the pcp code shrinks its high while set).</summary>
    /// <remarks>mm/vmscan.c: update_reclaim_active.</remarks>
    private void SetReclaimActive(int highestZoneidx, bool active)
    {
        Zone[] zones = alloc.Node.Zones;
        for (int i = 0; i <= highestZoneidx && i < zones.Length; i++)
        {
            if (zones[i].ManagedPages == 0)
            {
                continue;
            }

            zones[i].Flags = active ? zones[i].Flags | ZoneFlags.ReclaimActive : zones[i].Flags & ~ZoneFlags.ReclaimActive;
        }
    }
}
