// The kernel's compaction entry points for user space: /proc/sys/vm/compact_memory and
// /sys/devices/system/node/nodeN/compact (mm/compaction.c: sysctl_compaction_handler,
// compact_node, compact_nodes), both MIGRATE_SYNC over whole zones.
using MmSim.Sim;

namespace MmSim.Kernel;

public sealed partial class LinuxKernel
{
    /// <summary>Writes /proc/sys/vm/compact_memory: compacts every zone of every node (MIGRATE_SYNC, whole zone, no skip hints).</summary>
    /// <returns>The coroutine the writing task awaits; it may sleep on folios (folio_lock, folio_wait_writeback).</returns>
    public IEnumerable<Wait> CompactMemory() => throw new NotImplementedException("compaction lands with issue 7");

    /// <summary>Writes /sys/devices/system/node/node<paramref name="nid"/>/compact: compacts every zone of the node (MIGRATE_SYNC).</summary>
    /// <param name="nid">The node (0: mmsim models one node).</param>
    /// <returns>The coroutine the writing task awaits.</returns>
    public IEnumerable<Wait> CompactNode(int nid) => throw new NotImplementedException("compaction lands with issue 7");
}
