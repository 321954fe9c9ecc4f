// The switches of the FUSE writeback designs (issue 9), as the kernel's mechanisms read them.
namespace MmSim.Mm.Writeback;

/// <summary>How FUSE writes back a dirty page-cache folio.</summary>
public enum FuseWritebackMode
{
    /// <summary>6.16+: the page-cache folio itself stays under writeback until the server answers.</summary>
    InPlace,

    /// <summary>≤ 6.15: each page is copied into an unmovable order-0 temp page (GFP_NOFS | __GFP_HIGHMEM); the folio's writeback ends once the request is queued.</summary>
    TempPages,

    /// <summary>The temp-pages-pool design: as <see cref="TempPages"/>, but the copies come from a contiguous pool reserved at mount; writeback waits for a free pool page.</summary>
    TempPool,
}

/// <summary>What MIGRATE_SYNC migration does with a folio under writeback (migrate_folio_unmap).</summary>
public enum MigrateWritebackMode
{
    /// <summary>Mainline: MIGRATE_SYNC waits without bound; ASYNC and SYNC_LIGHT fail the folio with -EBUSY.</summary>
    Wait,

    /// <summary>The posted v6 series (4/5): folios of flagged mappings fail with -EBUSY in every mode.</summary>
    SkipFlagged,

    /// <summary>The seed's proposal a): only compaction's MIGRATE_SYNC (compact_memory, MR_COMPACTION) skips flagged folios; CMA, offlining and the rest wait.</summary>
    SkipCompaction,

    /// <summary>wait-timeout: MIGRATE_SYNC waits at most <see cref="WritebackDesign.WaitTimeoutNs"/> on a flagged folio, then fails it.</summary>
    Timeout,

    /// <summary>cancel-writeback: after <see cref="WritebackDesign.CancelAfterNs"/> of waiting the filesystem ends the writeback and redirties the folio (not while it is copied or spliced).</summary>
    Cancel,

    /// <summary>ask-fs: MIGRATE_SYNC waits only when the filesystem says the wait could not deadlock (<see cref="Folio.IWritebackOwner.MayDeadlock"/>); otherwise -EBUSY.</summary>
    AskFs,
}

/// <summary>Whether cgroup-v1 limit reclaim may wait on a folio's writeback (shrink_folio_list case 3).</summary>
public enum ReclaimWritebackMode
{
    /// <summary>Mainline: wait unless the mapping has AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM (6.16+; no flag is set before).</summary>
    Flag,

    /// <summary>ask-fs: wait only when the filesystem says the wait could not deadlock.</summary>
    AskFs,
}

/// <summary>What sync(2) waits for on a FUSE mount (sync_inodes_sb, wait_sb_inodes).</summary>
public enum SyncWritebackMode
{
    /// <summary>6.16 – 6.18.0: WB_SYNC_ALL writeback and wait_sb_inodes block on a stalled server.</summary>
    Wait,

    /// <summary>The v6 series' patch 3/5: wait_sb_inodes skips mappings flagged as indeterminate.</summary>
    SkipFlagged,

    /// <summary>SB_I_NO_DATA_INTEGRITY (76f9377cd2ab, backported to 6.18-stable): sync_inodes_sb only wakes the flusher and returns.</summary>
    NoDataIntegrity,
}

/// <summary>
/// The writeback-design switches a kernel boots with: how FUSE writes back, whether it flags its
/// mappings, and what migration, reclaim and sync do with folios under writeback; with the designs'
/// numeric parameters. Every field's default is mainline 6.18.0.
/// </summary>
public sealed record WritebackDesign
{
    /// <summary>Mainline 6.18.0.</summary>
    public static WritebackDesign Mainline { get; } = new();

    /// <summary>How FUSE writes back.</summary>
    public FuseWritebackMode FuseWriteback { get; init; } = FuseWritebackMode.InPlace;

    /// <summary>Whether fuse_init_file_inode sets AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM (with writeback cache on; 6.16+).</summary>
    public bool FuseSetsReclaimFlag { get; init; } = true;

    /// <summary>The migration rule.</summary>
    public MigrateWritebackMode MigrateWriteback { get; init; } = MigrateWritebackMode.Wait;

    /// <summary>The cgroup-v1 reclaim rule.</summary>
    public ReclaimWritebackMode ReclaimWriteback { get; init; } = ReclaimWritebackMode.Flag;

    /// <summary>The sync(2) rule.</summary>
    public SyncWritebackMode SyncWriteback { get; init; } = SyncWritebackMode.Wait;

    /// <summary>wait-timeout: how long MIGRATE_SYNC waits on a flagged folio before failing it.</summary>
    public long WaitTimeoutNs { get; init; } = 10 * Sim.SimTime.NsPerSec;

    /// <summary>cancel-writeback: how long a waiter waits before the filesystem cancels the writeback.</summary>
    public long CancelAfterNs { get; init; } = 10 * Sim.SimTime.NsPerSec;

    /// <summary>temp-pages-pool: pool size in pages (16 MiB).</summary>
    public long TempPoolPages { get; init; } = 4096;
}
