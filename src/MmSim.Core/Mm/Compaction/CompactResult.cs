namespace MmSim.Mm.Compaction;

/// <summary>What a compaction attempt concluded, in the kernel's order (later values mean more progress).</summary>
/// <remarks>include/linux/compaction.h: enum compact_result.</remarks>
public enum CompactResult
{
    /// <summary>COMPACT_NOT_SUITABLE_ZONE: the zone's fragmentation index says reclaim, not compaction.</summary>
    NotSuitableZone = 0,

    /// <summary>COMPACT_SKIPPED: too few free pages to compact, or nothing was tried.</summary>
    Skipped,

    /// <summary>COMPACT_DEFERRED: recent failures defer compaction of this zone.</summary>
    Deferred,

    /// <summary>COMPACT_NO_SUITABLE_PAGE: no suitable page for the order (internal to the scanners).</summary>
    NoSuitablePage,

    /// <summary>COMPACT_CONTINUE: compaction should run (or keep running).</summary>
    Continue,

    /// <summary>COMPACT_COMPLETE: the whole zone was scanned without meeting the goal.</summary>
    Complete,

    /// <summary>COMPACT_PARTIAL_SKIPPED: the scanners met, but parts were skipped.</summary>
    PartialSkipped,

    /// <summary>COMPACT_CONTENDED: stopped for lock contention or a signal.</summary>
    Contended,

    /// <summary>COMPACT_SUCCESS: a page of the order is (or became) available.</summary>
    Success,
}
