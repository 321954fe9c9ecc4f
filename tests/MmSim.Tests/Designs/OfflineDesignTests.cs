using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.MemoryHotplug;
using MmSim.Mm.Migrate;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using static MmSim.Tests.WritebackDesigns.DesignRig;

namespace MmSim.Tests.WritebackDesigns;

/// <summary>
/// Offlining a memory block that holds one folio stuck under writeback, under each migrate rule: offline_pages
/// loops forever over scan_movable_pages/do_migrate_range, so a rule that fails the folio leaves it retrying (R,
/// or a bounded D sleep) with its pass count, a rule that waits without bound leaves it hung in D, and a cancel
/// that the owner grants lets it finish.
/// </summary>
public class OfflineDesignTests
{
    private const int Block = 2; // Normal's second memory block
    private const long T = 100 * Ms;
    private const long RunNs = 20 * Sec;

    public static TheoryData<MigrateWritebackMode, int, OfflineOutcome> Cases() => new()
    {
        // mode, owner (-1 none, 0 says no deadlock / grants the cancel, 1 says deadlock / refuses it), outcome
        { MigrateWritebackMode.Wait, -1, OfflineOutcome.Hung },
        { MigrateWritebackMode.SkipFlagged, -1, OfflineOutcome.Retrying },
        { MigrateWritebackMode.SkipCompaction, -1, OfflineOutcome.Hung },
        { MigrateWritebackMode.Timeout, -1, OfflineOutcome.Retrying },
        { MigrateWritebackMode.Cancel, 0, OfflineOutcome.Ok },
        { MigrateWritebackMode.Cancel, 1, OfflineOutcome.Hung },
        { MigrateWritebackMode.AskFs, 1, OfflineOutcome.Retrying },
        { MigrateWritebackMode.AskFs, 0, OfflineOutcome.Hung },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_offline_over_a_stuck_folio_ends_hung_retrying_or_ok_as_the_rule_says(MigrateWritebackMode mode, int owner, OfflineOutcome want)
    {
        (LinuxKernel k, SimTask sh, OfflineAttempt attempt, FakeOwner? fake) = Offline(mode, owner);
        k.Sim.Run(RunNs);
        Assert.Equal(want, attempt.Outcome);
        switch (want)
        {
            case OfflineOutcome.Hung:
                Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback, -1L), (sh.State, sh.WaitSite, sh.WaitDeadlineNs));
                Assert.Equal(1, attempt.Passes);
                break;
            case OfflineOutcome.Retrying:
                Assert.True(attempt.Passes > 10, $"{attempt.Passes} passes");
                Assert.Equal(-1, attempt.EndNs);
                break;
            default:
                Assert.Equal(MemoryBlockState.Offline, k.Hotplug.Blocks.State(Block));
                Assert.Equal(1, k.Migrate.WritebackStats.Cancels);
                Assert.InRange(attempt.LatencyNs(k.Sim.Now), T, T + (10 * Ms));
                break;
        }

        if (mode == MigrateWritebackMode.Cancel && owner == 1)
        {
            Assert.Equal((0L, 1L), (k.Migrate.WritebackStats.Cancels, k.Migrate.WritebackStats.CancelsRefused));
        }

        _ = fake;
        KernelChecker.Verify(k, $"offline under {mode}");
    }

    // Each pass of wait-timeout's retrying offline waits T once (do_migrate_range's one migrate_pages call, which
    // meets the folio once): the passes follow the elapsed time.
    [Fact]
    public void Under_wait_timeout_each_offline_pass_costs_one_timeout()
    {
        (LinuxKernel k, _, OfflineAttempt attempt, _) = Offline(MigrateWritebackMode.Timeout, -1);
        k.Sim.Run(RunNs);
        long timeouts = k.Migrate.WritebackStats.Timeouts;
        Assert.InRange(attempt.Passes, timeouts, timeouts + 1);
        Assert.InRange(timeouts, (RunNs / T) - 2, RunNs / T);
    }

    [Fact]
    public void A_retrying_offline_ends_interrupted_at_the_signal_and_the_step_reports_its_passes_while_it_runs()
    {
        (LinuxKernel k, SimTask sh, OfflineAttempt attempt, _) = Offline(MigrateWritebackMode.SkipFlagged, -1);
        k.Sim.Run(Sec);
        Assert.Equal(OfflineOutcome.Retrying, attempt.Outcome);
        int passes = attempt.Passes;
        Assert.True(passes > 1);
        k.ContextOf(sh).SendSignal(TaskContext.SigTerm);
        k.Sim.Run(2 * Sec);
        Assert.Equal(OfflineOutcome.Interrupted, attempt.Outcome);
        Assert.Equal((-Errno.EINTR, "signal backoff"), (attempt.Ret, attempt.Reason));
        Assert.True(attempt.Passes >= passes);
    }

    private static (LinuxKernel K, SimTask Sh, OfflineAttempt Attempt, FakeOwner? Owner) Offline(MigrateWritebackMode mode, int owner)
    {
        LinuxKernel k = Boot(Design(mode, T), normalBlocks: 2);
        int start = Block * BlockPages;
        (CachedFile file, int folio) = FileFolioIn(k, start, start + BlockPages);
        FakeOwner? fake = owner < 0 ? null : new FakeOwner(k, file) { Deadlock = owner == 1, Spliced = owner == 1 };
        Stick(k, file, folio, Sleeper(k), flagged: true, fake);
        var attempt = new OfflineAttempt();
        (SimTask sh, _) = Spawn(k, "sh", _ => k.OfflineMemoryBlock(Block, attempt));
        return (k, sh, attempt, fake);
    }
}
