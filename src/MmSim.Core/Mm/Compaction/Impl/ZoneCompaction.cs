namespace MmSim.Mm.Compaction.Impl;

/// <summary>
/// The compaction fields of one zone: where the scanners restart, the deferral counters and the
/// flag that lets kswapd clear the skip bits.
/// </summary>
/// <remarks>include/linux/mmzone.h: struct zone (CONFIG_COMPACTION part). Zero-initialised as the
/// kernel's zones are.</remarks>
public sealed class ZoneCompaction
{
    /// <summary>compact_cached_free_pfn: where the free scanner restarts.</summary>
    public int CachedFreePfn { get; set; }

    /// <summary>compact_cached_migrate_pfn[0] (async) and [1] (sync): where the migrate scanner restarts.</summary>
    public int[] CachedMigratePfn { get; } = new int[2];

    /// <summary>compact_init_migrate_pfn: the lowest block __reset_isolation_suitable found worth scanning.</summary>
    public int InitMigratePfn { get; set; }

    /// <summary>compact_init_free_pfn: the highest block __reset_isolation_suitable found with free pages.</summary>
    public int InitFreePfn { get; set; }

    /// <summary>compact_considered: attempts skipped since the last deferral.</summary>
    public int Considered { get; set; }

    /// <summary>compact_defer_shift: 2^shift attempts are skipped (≤ COMPACT_MAX_DEFER_SHIFT).</summary>
    public int DeferShift { get; set; }

    /// <summary>compact_order_failed: the lowest order that failed; lower orders are never deferred.</summary>
    public int OrderFailed { get; set; }

    /// <summary>compact_blockskip_flush: a direct compaction's scanners met; kswapd clears the skip bits when it sleeps.</summary>
    public bool BlockskipFlush { get; set; }
}
