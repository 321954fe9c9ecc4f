// compaction_capture: while a task compacts for an allocation, a block of exactly its order freed in
// the zone it compacts goes straight to it instead of the free lists (mm/page_alloc.c:
// task_capc, compaction_capture; the free path calls PageAllocator.CaptureHook at each merge step).
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Compaction.Impl;

public sealed partial class MainlineCompaction
{
    // mm/page_alloc.c: task_capc — current's request, not a kernel thread, nothing captured yet,
    // compacting this zone. The free path asks once per __free_one_page.
    private bool TaskCapc(Zone zone)
    {
        TaskContext current = Current;
        CaptureControl? capc = current.Capture;
        return capc is not null && (current.Flags & TaskFlags.Kthread) == 0 && capc.Page < 0 && capc.Zone == zone.Type;
    }

    // mm/page_alloc.c: compaction_capture. Re-checks task_capc (cheap, and keeps the hook safe alone).
    private bool CompactionCapture(Zone zone, int pfn, int order, MigrateType mt)
    {
        // task_capc: current's request, not a kernel thread, nothing captured yet, compacting this zone.
        TaskContext current = Current;
        CaptureControl? capc = current.Capture;
        if (capc is null || (current.Flags & TaskFlags.Kthread) != 0 || capc.Page >= 0 || capc.Zone != zone.Type)
        {
            return false;
        }

        if (order != capc.Order)
        {
            return false;
        }

        // Do not accidentally pollute CMA or isolated regions.
        if (mt is MigrateType.Cma or MigrateType.Isolate)
        {
            return false;
        }

        // Do not let lower order allocations pollute a movable pageblock unless compaction is also
        // requesting movable pages.
        if (order < MmConstants.PageblockOrder && mt == MigrateType.Movable && capc.Migratetype != MigrateType.Movable)
        {
            return false;
        }

        capc.Page = pfn;
        captured.Add(capc);
        return true;
    }
}
