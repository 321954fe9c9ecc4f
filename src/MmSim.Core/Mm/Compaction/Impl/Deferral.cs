// Deferral: after a compaction of a zone fails at some order, the next 2^defer_shift attempts at
// that order or above are skipped (mm/compaction.c: defer_compaction, compaction_deferred,
// compaction_defer_reset, compaction_restarting).
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Compaction.Impl;

public sealed partial class MainlineCompaction
{
    /// <summary>COMPACT_MAX_DEFER_SHIFT: never skip more than 64 attempts.</summary>
    public const int CompactMaxDeferShift = 6;

    /// <inheritdoc/>
    /// <remarks>mm/compaction.c: defer_compaction.</remarks>
    public void DeferCompaction(Zone zone, int order)
    {
        ZoneCompaction z = StateOf(zone);
        z.Considered = 0;
        z.DeferShift++;
        if (order < z.OrderFailed)
        {
            z.OrderFailed = order;
        }

        if (z.DeferShift > CompactMaxDeferShift)
        {
            z.DeferShift = CompactMaxDeferShift;
        }

        Trace?.MmCompactionDefer("mm_compaction_defer_compaction", zone, order, z.OrderFailed, z.Considered, z.DeferShift);
    }

    /// <inheritdoc/>
    /// <remarks>mm/compaction.c: compaction_deferred.</remarks>
    public bool CompactionDeferred(Zone zone, int order)
    {
        ZoneCompaction z = StateOf(zone);
        int deferLimit = 1 << z.DeferShift;
        if (order < z.OrderFailed)
        {
            return false;
        }

        // Avoid possible overflow.
        if (++z.Considered >= deferLimit)
        {
            z.Considered = deferLimit;
            return false;
        }

        Trace?.MmCompactionDefer("mm_compaction_deferred", zone, order, z.OrderFailed, z.Considered, z.DeferShift);
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>mm/compaction.c: compaction_defer_reset.</remarks>
    public void CompactionDeferReset(Zone zone, int order, bool allocSuccess)
    {
        ZoneCompaction z = StateOf(zone);
        if (allocSuccess)
        {
            z.Considered = 0;
            z.DeferShift = 0;

            // Only __alloc_pages_direct_compact passes alloc_success, and beside this call it clears
            // zone->compact_blockskip_flush (that state lives here, not in the slowpath).
            z.BlockskipFlush = false;
        }

        if (order >= z.OrderFailed)
        {
            z.OrderFailed = order + 1;
        }

        Trace?.MmCompactionDefer("mm_compaction_defer_reset", zone, order, z.OrderFailed, z.Considered, z.DeferShift);
    }

    // compaction_restarting: many failures in a row, and the deferral just ran out.
    private bool CompactionRestarting(Zone zone, int order)
    {
        ZoneCompaction z = StateOf(zone);
        return order >= z.OrderFailed && z.DeferShift == CompactMaxDeferShift && z.Considered >= 1 << z.DeferShift;
    }
}
