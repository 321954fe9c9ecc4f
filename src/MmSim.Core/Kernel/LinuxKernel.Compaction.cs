// The kernel's compaction entry points for user space: /proc/sys/vm/compact_memory and
// /sys/devices/system/node/nodeN/compact (mm/compaction.c: sysctl_compaction_handler,
// compact_nodes, compact_store, compact_node), both MIGRATE_SYNC over whole zones.
using MmSim.Mm.Compaction;
using MmSim.Sim;

namespace MmSim.Kernel;

public sealed partial class LinuxKernel
{
    /// <summary>Writes /proc/sys/vm/compact_memory: compacts every zone of every node (MIGRATE_SYNC, whole zone, no skip hints).</summary>
    /// <returns>The coroutine the writing task awaits; it may sleep on folios (folio_lock, folio_wait_writeback).</returns>
    /// <remarks>mm/compaction.c: sysctl_compaction_handler → compact_nodes (lru_add_drain_all: no LRU batches in mmsim).</remarks>
    public IEnumerable<Wait> CompactMemory() => CompactNodeRun.Run(Alloc, Compact, proactive: false);

    /// <summary>Writes /sys/devices/system/node/node<paramref name="nid"/>/compact: compacts every zone of the node (MIGRATE_SYNC).</summary>
    /// <param name="nid">The node (0: mmsim models one node).</param>
    /// <returns>The coroutine the writing task awaits.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such node.</exception>
    /// <remarks>mm/compaction.c: compact_store → compact_node(NODE_DATA(nid), false).</remarks>
    public IEnumerable<Wait> CompactNode(int nid)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(nid, 0);
        return CompactNodeRun.Run(Alloc, Compact, proactive: false);
    }
}
