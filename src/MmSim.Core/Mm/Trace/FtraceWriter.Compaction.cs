// The compaction tracepoints (include/trace/events/compaction.h) as lines of the trace buffer, in
// the same context format as the kmem events, so a run that traces kmem also shows compaction.
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Trace;

public sealed partial class FtraceWriter : ICompactionTrace
{
    // include/trace/events/mmflags.h: COMPACTION_STATUS.
    private static string StatusName(CompactResult r) => r switch
    {
        CompactResult.Skipped => "skipped",
        CompactResult.Deferred => "deferred",
        CompactResult.Continue => "continue",
        CompactResult.Success => "success",
        CompactResult.PartialSkipped => "partial_skipped",
        CompactResult.Complete => "complete",
        CompactResult.NoSuitablePage => "no_suitable_page",
        CompactResult.NotSuitableZone => "not_suitable_zone",
        _ => "contended",
    };

    /// <summary>The text of "%-8s" for a zone name (ZONE_TYPE symbols).</summary>
    /// <param name="type">The zone.</param>
    /// <returns>The name padded to 8 characters.</returns>
    public static string ZoneName8(ZoneType type) => ZoneTypes.Names[(int)type].PadRight(8);

    /// <inheritdoc/>
    public void MmCompactionIsolateMigratepages(long startPfn, long endPfn, long nrScanned, long nrTaken) =>
        Isolate("mm_compaction_isolate_migratepages", startPfn, endPfn, nrScanned, nrTaken);

    /// <inheritdoc/>
    public void MmCompactionIsolateFreepages(long startPfn, long endPfn, long nrScanned, long nrTaken) =>
        Isolate("mm_compaction_isolate_freepages", startPfn, endPfn, nrScanned, nrTaken);

    /// <inheritdoc/>
    public void MmCompactionFastIsolateFreepages(long startPfn, long endPfn, long nrScanned, long nrTaken) =>
        Isolate("mm_compaction_fast_isolate_freepages", startPfn, endPfn, nrScanned, nrTaken);

    /// <inheritdoc/>
    public void MmCompactionMigratepages(long nrMigratepages, long nrSucceeded)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "mm_compaction_migratepages");
        line.Append("nr_migrated=");
        line.Append(nrSucceeded);
        line.Append(" nr_failed=");
        line.Append(nrMigratepages - nrSucceeded);
        Flush(ref line);
    }

    /// <inheritdoc/>
    public void MmCompactionBegin(long zoneStart, long migratePfn, long freePfn, long zoneEnd, bool sync)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "mm_compaction_begin");
        Scanners(ref line, zoneStart, migratePfn, freePfn, zoneEnd, sync);
        Flush(ref line);
    }

    /// <inheritdoc/>
    public void MmCompactionEnd(long zoneStart, long migratePfn, long freePfn, long zoneEnd, bool sync, CompactResult status)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "mm_compaction_end");
        Scanners(ref line, zoneStart, migratePfn, freePfn, zoneEnd, sync);
        line.Append(" status=");
        line.Append(StatusName(status));
        Flush(ref line);
    }

    /// <inheritdoc/>
    public void MmCompactionTryToCompactPages(int order, GfpFlags gfp, CompactPriority prio)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "mm_compaction_try_to_compact_pages");
        line.Append("order=");
        line.Append(order);
        line.Append(" gfp_mask=");
        line.Advance(GfpFlagNames.Format(gfp, line.Rest));
        line.Append(" priority=");
        line.Append((int)prio);
        Flush(ref line);
    }

    /// <inheritdoc/>
    public void MmCompactionFinished(Zone zone, int order, CompactResult ret) => Suitable("mm_compaction_finished", zone, order, ret);

    /// <inheritdoc/>
    public void MmCompactionSuitable(Zone zone, int order, CompactResult ret) => Suitable("mm_compaction_suitable", zone, order, ret);

    /// <inheritdoc/>
    public void MmCompactionDefer(string eventName, Zone zone, int order, int orderFailed, int considered, int deferShift)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, eventName);
        line.Append("node=0 zone=");
        line.Append(ZoneName8(zone.Type));
        line.Append(" order=");
        AppendSigned(ref line, order);
        line.Append(" order_failed=");
        AppendSigned(ref line, orderFailed);
        line.Append(" consider=");
        line.Append(considered);
        line.Append(" limit=");
        line.Append(1L << deferShift);
        Flush(ref line);
    }

    /// <inheritdoc/>
    public void MmCompactionKcompactdWake(string eventName, int order, ZoneType highestZoneidx)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, eventName);
        line.Append("nid=0 order=");
        AppendSigned(ref line, order);
        line.Append(" classzone_idx=");
        line.Append(ZoneName8(highestZoneidx));
        Flush(ref line);
    }

    private static void AppendSigned(ref Line line, long v)
    {
        if (v < 0)
        {
            line.Append('-');
            v = -v;
        }

        line.Append(v);
    }

    // "range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=%lu".
    private void Isolate(string eventName, long startPfn, long endPfn, long nrScanned, long nrTaken)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, eventName);
        line.Append("range=(0x");
        line.AppendHex((ulong)startPfn, pointerWidth: false);
        line.Append(" ~ 0x");
        line.AppendHex((ulong)endPfn, pointerWidth: false);
        line.Append(") nr_scanned=");
        line.Append(nrScanned);
        line.Append(" nr_taken=");
        line.Append(nrTaken);
        Flush(ref line);
    }

    // "zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s".
    private static void Scanners(ref Line line, long zoneStart, long migratePfn, long freePfn, long zoneEnd, bool sync)
    {
        line.Append("zone_start=0x");
        line.AppendHex((ulong)zoneStart, pointerWidth: false);
        line.Append(" migrate_pfn=0x");
        line.AppendHex((ulong)migratePfn, pointerWidth: false);
        line.Append(" free_pfn=0x");
        line.AppendHex((ulong)freePfn, pointerWidth: false);
        line.Append(" zone_end=0x");
        line.AppendHex((ulong)zoneEnd, pointerWidth: false);
        line.Append(", mode=");
        line.Append(sync ? "sync" : "async");
    }

    // "node=%d zone=%-8s order=%d ret=%s".
    private void Suitable(string eventName, Zone zone, int order, CompactResult ret)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, eventName);
        line.Append("node=0 zone=");
        line.Append(ZoneName8(zone.Type));
        line.Append(" order=");
        AppendSigned(ref line, order);
        line.Append(" ret=");
        line.Append(StatusName(ret));
        Flush(ref line);
    }
}
