using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Compaction;

/// <summary>
/// compact_node: compacts every populated zone of the node as a whole (order −1, no skip hints):
/// MIGRATE_SYNC for /proc/sys/vm/compact_memory and /sys/devices/system/node/nodeN/compact,
/// MIGRATE_SYNC_LIGHT for kcompactd's proactive compaction.
/// </summary>
/// <remarks>mm/compaction.c: compact_node, compact_nodes. The caller's task runs it and may sleep in
/// migration (folio_lock, and with MIGRATE_SYNC folio_wait_writeback); the scanning cost is charged to it.</remarks>
public static class CompactNodeRun
{
    /// <summary>Runs compact_node on the allocator's node.</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="compact">The compaction mechanism.</param>
    /// <param name="proactive">True for kcompactd's proactive compaction (SYNC_LIGHT, stops at the low mark, counts compact_daemon_*_scanned).</param>
    /// <param name="kswapdIsRunning">kswapd_is_running for proactive runs, or null.</param>
    /// <returns>The coroutine the calling task awaits.</returns>
    public static IEnumerable<Wait> Run(PageAllocator alloc, ICompact compact, bool proactive, Func<bool>? kswapdIsRunning = null)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(compact);
        var cc = new CompactControl
        {
            Order = -1,
            Mode = proactive ? MigrateMode.SyncLight : MigrateMode.Sync,
            IgnoreSkipHint = true,
            WholeZone = true,
            GfpMask = GfpFlags.Kernel,
            ProactiveCompaction = proactive,
            KswapdIsRunning = kswapdIsRunning,
        };
        foreach (Zone zone in alloc.Node.Zones)
        {
            if (!zone.IsPopulated)
            {
                continue;
            }

            cc.Zone = zone;
            yield return Wait.Call(compact.CompactZone(alloc, cc));
            if (cc.CostNs > 0)
            {
                yield return Wait.For(cc.CostNs);
            }

            cc.CostNs = 0;
            if (proactive)
            {
                alloc.Node.CountVmEvents(VmEventItem.CompactDaemonMigrateScanned, cc.TotalMigrateScanned);
                alloc.Node.CountVmEvents(VmEventItem.CompactDaemonFreeScanned, cc.TotalFreeScanned);
            }
        }
    }
}
