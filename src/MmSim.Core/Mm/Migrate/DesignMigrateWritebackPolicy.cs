// The FUSE writeback designs' migration rules (issue 9): mainline's rule, or one of the proposals of
// the 2024 thread, chosen by the migrate_writeback switch. Isolation keeps mainline's rule in every
// design: the proposals all act in migrate_folio_unmap.
using MmSim.Mm.Folio;
using MmSim.Mm.Writeback;

namespace MmSim.Mm.Migrate;

/// <summary>
/// migrate_folio_unmap's writeback rule per <see cref="MigrateWritebackMode"/>. "Flagged" means the mapping
/// has <see cref="AsFlags.WritebackMayDeadlockOnReclaim"/>: the bit the v6 series called
/// AS_WRITEBACK_INDETERMINATE, which FUSE set (then as now) only with writeback cache on (fuse_init_file_inode).
/// </summary>
/// <remarks>
/// mm/migrate.c: migrate_folio_unmap. <see cref="MigrateWritebackMode.Wait"/> is mainline;
/// <see cref="MigrateWritebackMode.SkipFlagged"/> is the posted v6 4/5 ("skip migrating folios under writeback
/// with AS_WRITEBACK_INDETERMINATE mappings", dropped from mm-unstable in January 2025); the others were only
/// proposed (Message-ID 0ed5241e-10af-43ee-baaf-87a5b4dc9694@redhat.com and its thread) and never written.
/// </remarks>
public sealed class DesignMigrateWritebackPolicy : IMigrateWritebackPolicy
{
    /// <summary>Creates the rule.</summary>
    /// <param name="mode">The migrate_writeback switch.</param>
    /// <param name="waitTimeoutNs">wait-timeout's T.</param>
    /// <param name="cancelAfterNs">cancel-writeback's T.</param>
    public DesignMigrateWritebackPolicy(MigrateWritebackMode mode, long waitTimeoutNs, long cancelAfterNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(waitTimeoutNs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cancelAfterNs, 1);
        Mode = mode;
        WaitTimeoutNs = waitTimeoutNs;
        CancelAfterNs = cancelAfterNs;
    }

    /// <summary>The rule in force.</summary>
    public MigrateWritebackMode Mode { get; }

    /// <summary>wait-timeout's bound on one wait.</summary>
    public long WaitTimeoutNs { get; }

    /// <summary>cancel-writeback's wait before the cancel.</summary>
    public long CancelAfterNs { get; }

    /// <summary>The rule of a design.</summary>
    /// <param name="design">The writeback-design switches.</param>
    /// <returns>Mainline's shared instance for <see cref="MigrateWritebackMode.Wait"/>, else a new rule.</returns>
    public static IMigrateWritebackPolicy For(WritebackDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        return design.MigrateWriteback == MigrateWritebackMode.Wait
            ? KernelMigrateWritebackPolicy.Instance
            : new DesignMigrateWritebackPolicy(design.MigrateWriteback, design.WaitTimeoutNs, design.CancelAfterNs);
    }

    /// <inheritdoc/>
    public bool MayIsolate(PageFlags flags, Mapping? mapping, IsolateMode mode) =>
        KernelMigrateWritebackPolicy.Instance.MayIsolate(flags, mapping, mode);

    /// <inheritdoc/>
    public WritebackDecision OnWriteback(int pfn, Mapping? mapping, MigrateMode mode, MigrateReason reason, TaskContext current)
    {
        // Every design keeps "ASYNC and SYNC_LIGHT fail the folio at once": only MIGRATE_SYNC ever waited.
        if (mode != MigrateMode.Sync)
        {
            return WritebackDecision.Busy;
        }

        bool flagged = mapping is not null && mapping.Has(AsFlags.WritebackMayDeadlockOnReclaim);
        return Mode switch
        {
            MigrateWritebackMode.SkipFlagged => flagged ? WritebackDecision.Busy : WritebackDecision.Wait,

            // Proposal a): only "sync migration during compaction" (compact_node, MR_COMPACTION) skips.
            MigrateWritebackMode.SkipCompaction => flagged && reason == MigrateReason.Compaction ? WritebackDecision.Busy : WritebackDecision.Wait,
            MigrateWritebackMode.Timeout => flagged ? WritebackDecision.WaitTimeout(WaitTimeoutNs) : WritebackDecision.Wait,

            // Only the filesystem that owns the writeback can end it early; without an owner, mainline's wait.
            MigrateWritebackMode.Cancel => flagged && mapping!.WritebackOwner is not null ? WritebackDecision.WaitThenCancel(CancelAfterNs) : WritebackDecision.Wait,

            // "Ask the fs": wait only when it says the wait cannot deadlock; no owner, mainline's wait.
            MigrateWritebackMode.AskFs => mapping?.WritebackOwner is { } owner && owner.MayDeadlock(pfn, current) ? WritebackDecision.Busy : WritebackDecision.Wait,
            _ => WritebackDecision.Wait,
        };
    }
}
