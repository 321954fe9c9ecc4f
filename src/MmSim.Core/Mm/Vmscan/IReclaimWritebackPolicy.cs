using MmSim.Mm.Folio;

namespace MmSim.Mm.Vmscan;

/// <summary>
/// The one place the rule "may this reclaimer wait on this folio's writeback" lives: the last clause of
/// case 2 in shrink_folio_list. When it says no, a cgroup-v1 limit reclaimer that would otherwise
/// wait (case 3) marks the folio for immediate reclaim and moves on. The FUSE writeback designs
/// (issue 9: no-reclaim-flag, ask-fs) change it here and nowhere else, as
/// <c>IMigrateWritebackPolicy</c> does for migration.
/// </summary>
/// <remarks>mm/vmscan.c: shrink_folio_list, "(mapping &amp;&amp; mapping_writeback_may_deadlock_on_reclaim(mapping))" (6.16+).</remarks>
public interface IReclaimWritebackPolicy
{
    /// <summary>Whether the reclaiming task may sleep in folio_wait_writeback on this folio.</summary>
    /// <param name="pfn">Head PFN of the folio under writeback (isolated, locked).</param>
    /// <param name="mapping">folio_mapping(folio), or null.</param>
    /// <param name="sc">The reclaim pass (its target memcg).</param>
    /// <param name="current">The reclaiming task.</param>
    /// <returns>False to treat the folio as case 2 (mark PG_reclaim, activate, go on).</returns>
    bool MayWaitOnWriteback(int pfn, Mapping? mapping, ScanControl sc, TaskContext current);
}

/// <summary>Mainline 6.16+: reclaim never waits on the writeback of a mapping flagged AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM.</summary>
/// <remarks>include/linux/pagemap.h: mapping_writeback_may_deadlock_on_reclaim.</remarks>
public sealed class KernelReclaimWritebackPolicy : IReclaimWritebackPolicy
{
    /// <summary>The shared instance (stateless).</summary>
    public static KernelReclaimWritebackPolicy Instance { get; } = new();

    /// <inheritdoc/>
    public bool MayWaitOnWriteback(int pfn, Mapping? mapping, ScanControl sc, TaskContext current) =>
        mapping is null || !mapping.Has(AsFlags.WritebackMayDeadlockOnReclaim);
}
