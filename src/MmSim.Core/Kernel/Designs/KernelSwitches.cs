using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;

namespace MmSim.Kernel.Designs;

/// <summary>
/// The switches a design sets: every kernel behaviour that differs between the designs mmsim
/// compares, as plain values (a release, an algorithm, mechanism implementations by name).
/// </summary>
/// <remarks>
/// Adding a switch is one property below, whose initial value is what every existing design does,
/// and its line in <see cref="All"/>; the scenario key, the resolved config, the override rule and
/// <c>mmsim designs</c> follow from that line. A design that changes the switch says so in its
/// entry of <see cref="Designs.All"/>.
/// </remarks>
public sealed record KernelSwitches
{
    /// <summary>Releases whose behaviour mmsim knows, oldest first.</summary>
    public static IReadOnlyList<string> Releases { get; } = ["6.12", "6.15", "6.16", "6.17", "6.18"];

    /// <summary>Mainline release whose behaviour is modelled, one of <see cref="Releases"/>; behaviours that changed between releases follow it.</summary>
    public required string Release { get; init; }

    /// <summary>Page-allocator fallback algorithm; null (<c>auto</c>) for the release's own, <see cref="FallbackOf"/>.</summary>
    public FallbackAlgorithm? Fallback { get; init; }

    /// <summary>Compaction mechanism by name (<see cref="Mechanisms.Compaction"/>).</summary>
    public string Compaction { get; init; } = "none";

    /// <summary>Reclaim mechanism by name (<see cref="Mechanisms.Reclaim"/>).</summary>
    public string Reclaim { get; init; } = "none";

    // The FUSE writeback designs (issue 9).

    /// <summary>How FUSE writes back; null (<c>auto</c>) for the release's own, <see cref="FuseWritebackOf"/>.</summary>
    public FuseWritebackMode? FuseWriteback { get; init; }

    /// <summary>Whether FUSE sets AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM (with writeback cache); null (<c>auto</c>) for the release's own, <see cref="FuseReclaimFlagOf"/>.</summary>
    public bool? FuseReclaimFlag { get; init; }

    /// <summary>What MIGRATE_SYNC migration does with a folio under writeback.</summary>
    public MigrateWritebackMode MigrateWriteback { get; init; } = MigrateWritebackMode.Wait;

    /// <summary>Whether cgroup-v1 limit reclaim may wait on a folio's writeback (shrink_folio_list case 3).</summary>
    public ReclaimWritebackMode ReclaimWriteback { get; init; } = ReclaimWritebackMode.Flag;

    /// <summary>What sync(2) waits for on a FUSE mount.</summary>
    public SyncWritebackMode SyncWriteback { get; init; } = SyncWritebackMode.Wait;

    /// <summary>Every switch, in the order scenarios and resolved configs write them under <c>kernel</c>.</summary>
    public static IReadOnlyList<KernelSwitch> All { get; } =
    [
        new("release", "mainline release whose behaviour is modelled", Releases, s => s.Release, (s, v) => s with { Release = v }),
        new("fallback", "page-allocator fallback: `v6.12` (`__rmqueue_fallback` steals and may claim the block), `v6.15` (`__rmqueue_claim` then `__rmqueue_steal`), or `auto`: the release's (`v6.12` for 6.12, else `v6.15`)",
            ["auto", "v6.12", "v6.15"], s => FallbackText(s.Fallback), (s, v) => s with { Fallback = ParseFallback(v) }),
        new("compaction", "compaction mechanism (mm/compaction.c) by implementation name", Mechanisms.Compaction.Names, s => s.Compaction, (s, v) => s with { Compaction = v }, Mechanisms.Compaction.UnknownMessage),
        new("reclaim", "reclaim mechanism (mm/vmscan.c) by implementation name", Mechanisms.Reclaim.Names, s => s.Reclaim, (s, v) => s with { Reclaim = v }, Mechanisms.Reclaim.UnknownMessage),
        new("fuse_writeback", "how FUSE writes back a dirty folio: `in-place` (6.16+: the folio stays under writeback until the server answers), `temp-pages` (≤ 6.15: copied into unmovable temp pages), `temp-pool` (copies from a contiguous pool of `fuse_temp_pool`), or `auto`: `temp-pages` before 6.16, else `in-place`",
            WritebackWords.FuseWriteback, s => WritebackWords.Text(s.FuseWriteback), (s, v) => s with { FuseWriteback = WritebackWords.ParseFuseWriteback(v) }),
        new("fuse_reclaim_flag", "whether FUSE sets AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM on its files with writeback cache (fuse_init_file_inode): `on`, `off`, or `auto`: on from 6.16",
            ["auto", "on", "off"], s => s.FuseReclaimFlag switch { null => "auto", true => "on", false => "off" }, (s, v) => s with { FuseReclaimFlag = v == "auto" ? null : v == "on" }),
        new("migrate_writeback", "what MIGRATE_SYNC migration does with a folio under writeback: `wait` (mainline, without bound), `skip-flagged` (v6 4/5: flagged folios fail with -EBUSY), `skip-compaction` (only compact_memory skips flagged folios), `timeout` (wait at most `writeback_wait_timeout`, then -EBUSY), `cancel` (after `writeback_cancel_after` the filesystem ends the writeback and redirties), `ask-fs` (wait only when the filesystem says it cannot deadlock)",
            WritebackWords.MigrateWriteback, s => WritebackWords.Text(s.MigrateWriteback), (s, v) => s with { MigrateWriteback = WritebackWords.ParseMigrateWriteback(v) }),
        new("reclaim_writeback", "whether cgroup-v1 limit reclaim waits on a folio's writeback (shrink_folio_list case 3): `flag` (mainline: not on flagged mappings), `ask-fs` (not when the filesystem says the wait could deadlock)",
            WritebackWords.ReclaimWriteback, s => WritebackWords.Text(s.ReclaimWriteback), (s, v) => s with { ReclaimWriteback = WritebackWords.ParseReclaimWriteback(v) }),
        new("sync_writeback", "what sync(2) waits for on FUSE: `wait` (6.16–6.18.0: blocks on a stalled server), `skip-flagged` (v6 3/5: wait_sb_inodes skips flagged mappings), `no-data-integrity` (SB_I_NO_DATA_INTEGRITY, 76f9377cd2ab in 6.18-stable: only wakes the flusher)",
            WritebackWords.SyncWriteback, s => WritebackWords.Text(s.SyncWriteback), (s, v) => s with { SyncWriteback = WritebackWords.ParseSyncWriteback(v) }),
    ];

    /// <summary>How FUSE writes back in force: <see cref="FuseWriteback"/>, or the release's own when it is <c>auto</c>.</summary>
    public FuseWritebackMode FuseWritebackInForce => FuseWriteback ?? FuseWritebackOf(Release);

    /// <summary>Whether FUSE sets the reclaim flag in force: <see cref="FuseReclaimFlag"/>, or the release's own when it is <c>auto</c>.</summary>
    public bool FuseReclaimFlagInForce => FuseReclaimFlag ?? FuseReclaimFlagOf(Release);

    /// <summary>How a release's FUSE writes back.</summary>
    /// <param name="release">One of <see cref="Releases"/>.</param>
    /// <returns><see cref="FuseWritebackMode.TempPages"/> before 6.16, else <see cref="FuseWritebackMode.InPlace"/>.</returns>
    /// <remarks>0c58a97f919c "fuse: remove tmp folio for writebacks and internal rb tree" was merged for 6.16.</remarks>
    public static FuseWritebackMode FuseWritebackOf(string release) => IsBefore616(release) ? FuseWritebackMode.TempPages : FuseWritebackMode.InPlace;

    /// <summary>Whether a release's FUSE sets AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM.</summary>
    /// <param name="release">One of <see cref="Releases"/>.</param>
    /// <returns>True from 6.16 (0c4f8ed498ce), false before.</returns>
    public static bool FuseReclaimFlagOf(string release) => !IsBefore616(release);

    /// <summary>The fallback algorithm in force: <see cref="Fallback"/>, or the release's own when it is <c>auto</c>.</summary>
    public FallbackAlgorithm FallbackInForce => Fallback ?? FallbackOf(Release);

    /// <summary>The fallback algorithm a release shipped with.</summary>
    /// <param name="release">One of <see cref="Releases"/>.</param>
    /// <returns><see cref="FallbackAlgorithm.V6_12"/> for 6.12, else <see cref="FallbackAlgorithm.V6_15"/>.</returns>
    /// <remarks>The claim/steal split was merged for 6.15 (and reached 6.12 only in 6.12.29 stable).</remarks>
    public static FallbackAlgorithm FallbackOf(string release) => release == "6.12" ? FallbackAlgorithm.V6_12 : FallbackAlgorithm.V6_15;

    /// <summary>The <c>fallback</c> word of an algorithm: <c>v6.12</c>, <c>v6.15</c>, or <c>auto</c> for null.</summary>
    /// <param name="fallback">The algorithm, or null for the release's.</param>
    /// <returns>The word.</returns>
    public static string FallbackText(FallbackAlgorithm? fallback) => fallback switch
    {
        null => "auto",
        FallbackAlgorithm.V6_12 => "v6.12",
        _ => "v6.15",
    };

    /// <summary>The switches with every <c>auto</c> value replaced by what it stands for, as a run uses them.</summary>
    /// <returns>A copy in which <see cref="Fallback"/> is set.</returns>
    public KernelSwitches Resolved() => this with { Fallback = FallbackInForce, FuseWriteback = FuseWritebackInForce, FuseReclaimFlag = FuseReclaimFlagInForce };

    /// <summary>The writeback-design switches as the kernel's mechanisms read them, with the designs' numeric parameters.</summary>
    /// <param name="waitTimeoutNs">wait-timeout's T (<c>writeback_wait_timeout</c>).</param>
    /// <param name="cancelAfterNs">cancel-writeback's T (<c>writeback_cancel_after</c>).</param>
    /// <param name="tempPoolPages">temp-pages-pool's size in pages (<c>fuse_temp_pool</c>).</param>
    /// <returns>The design record, <c>auto</c> values resolved by the release.</returns>
    public WritebackDesign WritebackDesign(long waitTimeoutNs, long cancelAfterNs, long tempPoolPages) => new()
    {
        FuseWriteback = FuseWritebackInForce,
        FuseSetsReclaimFlag = FuseReclaimFlagInForce,
        MigrateWriteback = MigrateWriteback,
        ReclaimWriteback = ReclaimWriteback,
        SyncWriteback = SyncWriteback,
        WaitTimeoutNs = waitTimeoutNs,
        CancelAfterNs = cancelAfterNs,
        TempPoolPages = tempPoolPages,
    };

    // The releases mmsim knows before 6.16: 6.12 and 6.15.
    private static bool IsBefore616(string release) => release is "6.12" or "6.15";

    /// <summary>The switches whose value differs between two sets, compared as text after both are resolved.</summary>
    /// <param name="other">The other set (e.g. a design's).</param>
    /// <returns>Each differing switch with its value here and in <paramref name="other"/>, in <see cref="All"/> order.</returns>
    public IReadOnlyList<(KernelSwitch Switch, string Value, string OtherValue)> Differences(KernelSwitches other)
    {
        ArgumentNullException.ThrowIfNull(other);
        KernelSwitches a = Resolved(), b = other.Resolved();
        return [.. All.Where(s => s.Text(a) != s.Text(b)).Select(s => (s, s.Text(a), s.Text(b)))];
    }

    private static FallbackAlgorithm? ParseFallback(string text) => text switch
    {
        "v6.12" => FallbackAlgorithm.V6_12,
        "v6.15" => FallbackAlgorithm.V6_15,
        _ => null,
    };
}
