using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.MemoryHotplug;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>
/// The kernel steps of a <c>steps</c> script: compact, offline, online, cma_alloc, cma_release,
/// alloc_contig (and the free of one), nr_hugepages and writeback. Each calls the kernel entry point a
/// write to the matching /proc or /sys file reaches, on the script's task, and records its outcome.
/// </summary>
/// <param name="ctx">The run.</param>
/// <param name="stats">The steps workload's counters and outcomes.</param>
internal sealed class StepActions(WorkloadContext ctx, WorkloadStats stats)
{
    /// <summary>Metric: compact steps run.</summary>
    public const string CompactRuns = "compact_runs";

    /// <summary>Metric: offline attempts started.</summary>
    public const string OfflineAttempts = "offline_attempts";

    /// <summary>Metric prefix: offline attempts that returned, by outcome (offline_ok, offline_ebusy, …).</summary>
    public const string OfflinePrefix = "offline_";

    /// <summary>Metric: online steps that onlined their block.</summary>
    public const string OnlineOk = "online_ok";

    /// <summary>Metric: cma_alloc steps that got their range.</summary>
    public const string CmaAllocSuccess = "cma_alloc_success";

    /// <summary>Metric: cma_alloc steps that did not.</summary>
    public const string CmaAllocFail = "cma_alloc_fail";

    /// <summary>Metric: alloc_contig steps that got their range.</summary>
    public const string AllocContigSuccess = "alloc_contig_success";

    /// <summary>Metric: alloc_contig steps that did not.</summary>
    public const string AllocContigFail = "alloc_contig_fail";

    /// <summary>Metric: the 2 MiB pool size after the last nr_hugepages step for it.</summary>
    public const string Hugepages2M = "hugepages_2m";

    /// <summary>Metric: the 1 GiB pool size after the last nr_hugepages step for it.</summary>
    public const string Hugepages1G = "hugepages_1g";

    // What cma_alloc and alloc_contig ids name: the area (null for alloc_contig), first PFN and pages.
    private readonly Dictionary<string, (string? Area, int Pfn, long Pages)> contig = new(StringComparer.Ordinal);

    // Ids of alloc_contig steps not freed yet, whether or not they got their range.
    private readonly HashSet<string> contigIds = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="id"/> names a range from alloc_contig (so <c>free</c> gives it back here).</summary>
    /// <param name="id">A step id.</param>
    /// <returns>True for an alloc_contig id (its range may have failed).</returns>
    public bool HoldsContig(string id) => contigIds.Contains(id);

    /// <summary>Runs one kernel step on the script's task.</summary>
    /// <param name="step">The step.</param>
    /// <param name="index">Its position in the script.</param>
    /// <param name="self">The script's task.</param>
    /// <returns>The coroutine the task awaits.</returns>
    public IEnumerable<Wait> Run(StepConfig step, int index, TaskHandle self)
    {
        LinuxKernel kernel = ctx.Kernel;
        var outcome = step.Do == StepAction.Offline
            ? new OfflineStepOutcome(index, ctx.Sim.Now, step.Block!.Value, self.Task)
            : new StepOutcome(index, ctx.Sim.Now, StepRules.ActionNames[(int)step.Do], step.Id);
        outcome.Task = self.Task; // outcomes (issue 9): the step's task, for its role and state at the end
        stats.Outcomes.Add(outcome);
        bool ok = true;
        switch (step.Do)
        {
            case StepAction.Compact:
                stats.AddMetric(CompactRuns, 1);
                yield return Wait.Call(step.Zone is string zone ? CompactZone(ZoneTypes.Parse(zone)) : kernel.CompactMemory());
                break;
            case StepAction.Offline:
                yield return Wait.Call(Offline(step, (OfflineStepOutcome)outcome, self.Task));
                yield break;
            case StepAction.Online:
                ok = kernel.OnlineMemoryBlock((int)step.Block!.Value);
                stats.AddMetric(OnlineOk, ok ? 1 : 0);
                break;
            case StepAction.CmaAlloc:
                yield return Wait.Call(kernel.CmaAlloc(step.Area!, step.Pages!.Value, (int)step.Align!.Value));
                ok = Took(step, step.Area, outcome, CmaAllocSuccess, CmaAllocFail);
                break;
            case StepAction.CmaRelease:
                ok = Release(step.Id!);
                break;
            case StepAction.AllocContig:
                contigIds.Add(step.Id!);
                yield return Wait.Call(kernel.AllocContigPages(step.Pages!.Value, (GfpFlags)step.GfpMask));
                ok = Took(step, null, outcome, AllocContigSuccess, AllocContigFail);
                break;
            case StepAction.Free:
                contigIds.Remove(step.Id!);
                ok = Release(step.Id!);
                break;
            case StepAction.NrHugepages:
                yield return Wait.Call(step.HugepageSizeBytes == StepRules.HugepageSize1G ? kernel.SetNrGiganticHugepages(stats, step.Value!.Value) : kernel.SetNrHugepages(stats, step.Value!.Value));
                outcome.Value = kernel.Current.Ret;
                stats.SetMetric(step.HugepageSizeBytes == StepRules.HugepageSize1G ? Hugepages1G : Hugepages2M, outcome.Value);
                ok = outcome.Value == step.Value;
                break;
            // steps (issue 9): the other MIGRATE_SYNC users and fusectl abort record their own outcome word.
            case StepAction.MovePages or StepAction.Mbind or StepAction.SoftOffline or StepAction.MemoryFailure or StepAction.PinLongterm or StepAction.FuseAbort:
                yield return Wait.Call(MigrateSyncStep.Run(ctx, stats, step, outcome));
                yield break;
            case StepAction.Writeback:
                yield return Wait.Call(WritebackStep.Run(ctx, stats, step, outcome));
                ok = outcome.Value > 0;
                break;
            default:
                throw new InvalidOperationException($"'{step.Do}' is not a kernel step");
        }

        outcome.Result = ok ? "ok" : "failed";
        outcome.EndNs = ctx.Sim.Now;
    }

    // Writing "offline" to the block's state; the signal (as `timeout` sends one) is a timer on the task.
    private IEnumerable<Wait> Offline(StepConfig step, OfflineStepOutcome outcome, SimTask task)
    {
        LinuxKernel kernel = ctx.Kernel;
        stats.AddMetric(OfflineAttempts, 1);
        CallbackHandle? signal = step.SignalAfterNs is long after
            ? ctx.Sim.Schedule(after, static t => SendSignal((SignalTarget)t!), new SignalTarget(kernel, task))
            : null;
        outcome.Attempt.StartNs = ctx.Sim.Now;
        yield return Wait.Call(kernel.OfflineMemoryBlock((int)step.Block!.Value, outcome.Attempt));
        if (signal is CallbackHandle pending)
        {
            ctx.Sim.Cancel(pending);
        }

        // The signal is handled on the way back to user space; the script goes on.
        kernel.ContextOf(task).FlushSignals();
        if (outcome.Attempt.EndNs < 0)
        {
            outcome.Attempt.EndNs = ctx.Sim.Now;
        }

        outcome.EndNs = ctx.Sim.Now;
        stats.AddMetric(OfflinePrefix + OfflineStepOutcome.Name(outcome.Attempt.Outcome), 1);
    }

    private static void SendSignal(SignalTarget t) => t.Kernel.SendSignal(t.Task);

    // Like compact_node for one zone: MIGRATE_SYNC, whole zone, no skip hints, order -1. The kernel has
    // no per-zone file; this is compact_node's loop body for the zone a test names.
    private IEnumerable<Wait> CompactZone(ZoneType type)
    {
        PageAllocator alloc = ctx.Alloc;
        Zone zone = alloc.Node.Zones[(int)type];
        if (!zone.IsPopulated)
        {
            yield break;
        }

        var cc = new CompactControl
        {
            Zone = zone,
            Order = -1,
            Mode = MigrateMode.Sync,
            IgnoreSkipHint = true,
            WholeZone = true,
            GfpMask = GfpFlags.Kernel,
            HighestZoneidx = (int)type,
        };
        yield return Wait.Call(ctx.Kernel.Compact.CompactZone(alloc, cc));
        yield return Wait.For(cc.CostNs);
    }

    // After cma_alloc or alloc_contig_pages: the first PFN or −1.
    private bool Took(StepConfig step, string? area, StepOutcome outcome, string success, string fail)
    {
        int pfn = ctx.Kernel.Current.AllocResult;
        outcome.Value = pfn;
        stats.AddMetric(pfn >= 0 ? success : fail, 1);
        if (pfn >= 0)
        {
            contig.Add(step.Id!, (area, pfn, step.Pages!.Value));
        }

        return pfn >= 0;
    }

    // cma_release, or free_contig_range for an alloc_contig id; an id whose allocation failed holds nothing.
    private bool Release(string id)
    {
        if (!contig.Remove(id, out var r))
        {
            stats.FreesIgnored++;
            return false;
        }

        if (r.Area is string area)
        {
            return ctx.Kernel.CmaRelease(area, r.Pfn, r.Pages);
        }

        ctx.Kernel.FreeContigRange(r.Pfn, r.Pages);
        stats.Frees++;
        return true;
    }

    private sealed record SignalTarget(LinuxKernel Kernel, SimTask Task);
}

/// <summary>An offline step's outcome: the kernel's attempt record, read at the end of the run.</summary>
/// <param name="index">Position of the step.</param>
/// <param name="atNs">When it started.</param>
/// <param name="block">The memory block.</param>
/// <param name="task">The task writing the block's state.</param>
internal sealed class OfflineStepOutcome(int index, long atNs, long block, SimTask task) : StepOutcome(index, atNs, "offline", null)
{
    /// <summary>The attempt the kernel fills in.</summary>
    public OfflineAttempt Attempt { get; } = new() { Block = (int)block };

    /// <summary>The outcome's name in reports.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>ok, ebusy, hung, retrying, interrupted, timeout (none: not started).</returns>
    public static string Name(OfflineOutcome outcome) => outcome switch
    {
        OfflineOutcome.Ok => "ok",
        OfflineOutcome.Ebusy => "ebusy",
        OfflineOutcome.Hung => "hung",
        OfflineOutcome.Retrying => "retrying",
        OfflineOutcome.Interrupted => "interrupted",
        OfflineOutcome.Timeout => "timeout",
        _ => "none",
    };

    /// <inheritdoc/>
    /// <remarks>An attempt still running is hung while its task sleeps in D, else retrying.</remarks>
    public override (string Result, string Reason, long LatencyNs) At(long nowNs)
    {
        if (EndNs >= 0)
        {
            return (Name(Attempt.Outcome), Attempt.Reason, Attempt.EndNs - Attempt.StartNs);
        }

        // designs (issue 9): a bounded D sleep is retrying, not hung; the reason says how many passes were made.
        if (OfflineAttempt.IsHung(task))
        {
            return (Name(OfflineOutcome.Hung), Attempt.Reason, nowNs - Attempt.StartNs);
        }

        return (Name(OfflineOutcome.Retrying), $"passes {Attempt.Passes}", nowNs - Attempt.StartNs);
    }
}
