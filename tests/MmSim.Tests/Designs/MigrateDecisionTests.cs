using MmSim.Mm;
using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.Writeback;

namespace MmSim.Tests.WritebackDesigns;

/// <summary>
/// migrate_folio_unmap's writeback decision per design, for every (mode, reason, flagged, owner says deadlock):
/// mainline waits only in MIGRATE_SYNC; the proposals change only MIGRATE_SYNC on flagged (or, for ask-fs, owned) folios.
/// </summary>
public class MigrateDecisionTests
{
    private const long T = 7_000_000;

    private static readonly MigrateReason[] Reasons = Enum.GetValues<MigrateReason>();
    private static readonly MigrateMode[] Modes = Enum.GetValues<MigrateMode>();

    public static TheoryData<MigrateWritebackMode> AllModes() => [.. Enum.GetValues<MigrateWritebackMode>()];

    // The rule each design states (docs/designs.md), written from the proposals, not from the code.
    private static WritebackDecision Expected(MigrateWritebackMode design, MigrateMode mode, MigrateReason reason, bool flagged, bool owned, bool ownerSaysDeadlock)
    {
        if (mode != MigrateMode.Sync)
        {
            return WritebackDecision.Busy;
        }

        return design switch
        {
            MigrateWritebackMode.Wait => WritebackDecision.Wait,
            MigrateWritebackMode.SkipFlagged => flagged ? WritebackDecision.Busy : WritebackDecision.Wait,
            MigrateWritebackMode.SkipCompaction => flagged && reason == MigrateReason.Compaction ? WritebackDecision.Busy : WritebackDecision.Wait,
            MigrateWritebackMode.Timeout => flagged ? WritebackDecision.WaitTimeout(T) : WritebackDecision.Wait,
            MigrateWritebackMode.Cancel => flagged && owned ? WritebackDecision.WaitThenCancel(T) : WritebackDecision.Wait,
            MigrateWritebackMode.AskFs => owned && ownerSaysDeadlock ? WritebackDecision.Busy : WritebackDecision.Wait,
            _ => throw new ArgumentOutOfRangeException(nameof(design)),
        };
    }

    [Theory]
    [MemberData(nameof(AllModes))]
    public void Each_design_decides_as_its_proposal_says_for_every_mode_reason_flag_and_owner_answer(MigrateWritebackMode design)
    {
        IMigrateWritebackPolicy policy = DesignMigrateWritebackPolicy.For(new WritebackDesign { MigrateWriteback = design, WaitTimeoutNs = T, CancelAfterNs = T });
        var waiter = new TaskContext(null);
        int checkedCases = 0;
        foreach (bool flagged in new[] { false, true })
        {
            foreach (int ownerAnswer in new[] { -1, 0, 1 }) // no owner, owner says no deadlock, owner says deadlock
            {
                var mapping = new Mapping(MappingKind.File, "f", AopsCaps.MigrateFolio, flagged ? AsFlags.WritebackMayDeadlockOnReclaim : AsFlags.None);
                var owner = ownerAnswer < 0 ? null : new AnsweringOwner(ownerAnswer == 1);
                mapping.WritebackOwner = owner;
                foreach (MigrateMode mode in Modes)
                {
                    foreach (MigrateReason reason in Reasons)
                    {
                        WritebackDecision want = Expected(design, mode, reason, flagged, owner is not null, ownerAnswer == 1);
                        Assert.Equal(want, policy.OnWriteback(42, mapping, mode, reason, waiter));
                        checkedCases++;
                    }
                }

                // ask-fs asks about the folio and the task that would wait.
                if (owner is not null && design == MigrateWritebackMode.AskFs)
                {
                    Assert.Equal((42, waiter), (owner.LastPfn, owner.LastWaiter));
                }
            }
        }

        Assert.Equal(2 * 3 * Modes.Length * Reasons.Length, checkedCases);
    }

    [Fact]
    public void A_folio_with_no_mapping_waits_in_sync_mode_under_every_design_but_ask_fs_asks_nobody()
    {
        var waiter = new TaskContext(null);
        foreach (MigrateWritebackMode design in Enum.GetValues<MigrateWritebackMode>())
        {
            IMigrateWritebackPolicy policy = DesignMigrateWritebackPolicy.For(new WritebackDesign { MigrateWriteback = design });
            Assert.Equal(WritebackDecision.Wait, policy.OnWriteback(1, null, MigrateMode.Sync, MigrateReason.ContigRange, waiter));
            Assert.Equal(WritebackDecision.Busy, policy.OnWriteback(1, null, MigrateMode.SyncLight, MigrateReason.Compaction, waiter));
        }
    }

    [Fact]
    public void Isolation_keeps_mainlines_rule_in_every_design()
    {
        var flagged = new Mapping(MappingKind.File, "f", AopsCaps.MigrateFolio, AsFlags.WritebackMayDeadlockOnReclaim);
        foreach (MigrateWritebackMode design in Enum.GetValues<MigrateWritebackMode>())
        {
            IMigrateWritebackPolicy policy = DesignMigrateWritebackPolicy.For(new WritebackDesign { MigrateWriteback = design });
            foreach (IsolateMode mode in new[] { IsolateMode.None, IsolateMode.AsyncMigrate })
            {
                foreach (PageFlags flags in new[] { PageFlags.None, PageFlags.Writeback, PageFlags.Dirty })
                {
                    Assert.Equal(KernelMigrateWritebackPolicy.Instance.MayIsolate(flags, flagged, mode), policy.MayIsolate(flags, flagged, mode));
                }
            }
        }
    }

    private sealed class AnsweringOwner(bool deadlock) : IWritebackOwner
    {
        public int LastPfn { get; private set; } = -1;

        public TaskContext? LastWaiter { get; private set; }

        public bool MayDeadlock(int pfn, TaskContext waiter)
        {
            (LastPfn, LastWaiter) = (pfn, waiter);
            return deadlock;
        }

        public bool TryCancelWriteback(int pfn) => throw new InvalidOperationException("a decision never cancels");
    }
}
