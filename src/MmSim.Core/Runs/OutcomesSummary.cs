// Outcomes (issue 9): summary.json's "outcomes": hung tasks by role, deadlocks by kind, every scripted step's
// outcome, the designs' wait-timeout and cancel counts, and each FUSE connection's counters.
using MmSim.Kernel;
using MmSim.Sim;

namespace MmSim.Runs;

/// <summary>The outcomes of a run, named: what hung and why, which cycles formed, how each scripted step ended.</summary>
/// <param name="HungTasks">Each hung-task report (khungtaskd), classified by role, in the order found.</param>
/// <param name="HungByRole">Hung-task reports per role, in <see cref="OutcomeClassifier.Roles"/> order, roles with none left out.</param>
/// <param name="Deadlocks">Each wait-for cycle, classified, in the order found.</param>
/// <param name="Steps">Every kernel step of every steps workload, in workload then script order.</param>
/// <param name="Waits">The designs' bounded waits and cancels, and the FUSE request timeouts, summed over mounts.</param>
/// <param name="Fuse">One entry per FUSE mount, in mount order.</param>
/// <param name="TempPagesPeak">The most FUSE temp pages in flight at once, summed over mounts (each mount's own peak; 0 without temp pages).</param>
public sealed record OutcomesSummary(
    IReadOnlyList<HungTaskOutcome> HungTasks,
    IReadOnlyList<RoleCount> HungByRole,
    IReadOnlyList<DeadlockOutcome> Deadlocks,
    IReadOnlyList<StepOutcomeSummary> Steps,
    WaitOutcomes Waits,
    IReadOnlyList<FuseConnSummary> Fuse,
    long TempPagesPeak);

/// <summary>One hung task with its role.</summary>
/// <param name="TimeNs">When khungtaskd found it.</param>
/// <param name="Task">The task, <c>comm:pid</c>.</param>
/// <param name="Role">offline, cma_alloc, alloc_contig, compact_memory, move_pages, mbind, soft_offline, memory_failure, pin_longterm, sync, fsync, close, writer, flusher, reclaim, fuse_server or other.</param>
/// <param name="WaitSite">Where it sleeps.</param>
/// <param name="ChainSites">The wait site of each blocked task on its chain, in chain order (<c>"R"</c>-state tasks add none).</param>
/// <param name="EndsAtFuseServer">The chain ends at a FUSE server thread.</param>
/// <param name="ServerTask">That thread, <c>comm:pid</c>, or null.</param>
/// <param name="ServerState">Its state when the chain was walked: <c>"T do_signal_stop"</c>, <c>"S fuse_dev_do_read"</c>, <c>"R"</c>…, or null.</param>
public sealed record HungTaskOutcome(
    long TimeNs, string Task, string Role, string? WaitSite, IReadOnlyList<string> ChainSites, bool EndsAtFuseServer, string? ServerTask, string? ServerState);

/// <summary>A count per role.</summary>
/// <param name="Role">The role.</param>
/// <param name="Count">Hung-task reports with that role.</param>
public sealed record RoleCount(string Role, int Count);

/// <summary>One deadlock with its kind.</summary>
/// <param name="TimeNs">When the cycle closed.</param>
/// <param name="Kind"><c>cgroup_v1_reclaim</c> or <c>other</c>.</param>
/// <param name="Tasks">Members, <c>comm:pid</c>, in wait order.</param>
/// <param name="WaitSites">Each member's wait site, same order.</param>
public sealed record DeadlockOutcome(long TimeNs, string Kind, IReadOnlyList<string> Tasks, IReadOnlyList<string> WaitSites);

/// <summary>One scripted kernel step at the end of the run.</summary>
/// <param name="Index">Position in its script.</param>
/// <param name="Do">The action.</param>
/// <param name="Id">Its id, or null.</param>
/// <param name="Outcome">ok, ebusy, hung (D), retrying (not D), interrupted, timeout, eio/enomem/enoent (the other MIGRATE_SYNC users), or failed (a step whose failure is not an errno the list names).</param>
/// <param name="Passes">Offline: migration passes made; else 0.</param>
/// <param name="LatencyNs">Start to return, or to the end of the run while it still runs.</param>
/// <param name="Reason">The kernel's reason on failure, or empty.</param>
public sealed record StepOutcomeSummary(int Index, string Do, string? Id, string Outcome, int Passes, long LatencyNs, string Reason);

/// <summary>The bounded waits of the designs and FUSE's own timeouts.</summary>
/// <param name="MigrateTimeouts">wait-timeout: MIGRATE_SYNC waits that ran out (each failed its folio with -EBUSY).</param>
/// <param name="Cancels">cancel-writeback: writebacks the filesystem ended early and redirtied.</param>
/// <param name="CancelsRefused">cancel-writeback: cancels refused (folio in copy or splice).</param>
/// <param name="FalseAborts">Timeouts and cancels whose writeback then completed normally (it would have ended anyway).</param>
/// <param name="AbortsPending">Timeouts and cancels whose writeback's fate is not known at the end of the run.</param>
/// <param name="RequestTimeouts">FUSE request timeouts (fuse_check_timeout aborts), all mounts.</param>
public sealed record WaitOutcomes(long MigrateTimeouts, long Cancels, long CancelsRefused, long FalseAborts, long AbortsPending, long RequestTimeouts);

/// <summary>One FUSE connection at the end of the run.</summary>
/// <param name="Mount">Mount name.</param>
/// <param name="Connected">False once aborted.</param>
/// <param name="Sent">Requests sent.</param>
/// <param name="Answered">Requests answered by the server.</param>
/// <param name="Aborted">Requests ended by an abort.</param>
/// <param name="NumBackgroundPeak">Most background requests at once (num_background).</param>
/// <param name="RequestTimeouts">fuse_check_timeout expiries.</param>
/// <param name="WritebackRequests">FUSE_WRITE requests writeback sent.</param>
/// <param name="WritebackPages">Pages in them.</param>
/// <param name="TempPages">Temp pages in flight at the end.</param>
/// <param name="TempPagesPeak">Most temp pages in flight at once.</param>
/// <param name="TempCopies">Pages copied into temp pages.</param>
/// <param name="CopyNs">CPU time spent copying, ns.</param>
/// <param name="ServerThreads">Server threads reading /dev/fuse.</param>
public sealed record FuseConnSummary(
    string Mount, bool Connected, long Sent, long Answered, long Aborted, int NumBackgroundPeak, long RequestTimeouts,
    long WritebackRequests, long WritebackPages, long TempPages, long TempPagesPeak, long TempCopies, long CopyNs, int ServerThreads);

/// <summary>Builds <see cref="OutcomesSummary"/> from a finished kernel.</summary>
public static class OutcomesBuilder
{
    /// <summary>Builds the outcomes.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="hung">khungtaskd's reports.</param>
    /// <param name="deadlocks">The deadlock detector's cycles.</param>
    /// <param name="steps">The steps workloads' outcomes, in order.</param>
    /// <param name="nowNs">The end of the run.</param>
    /// <returns>The outcomes.</returns>
    public static OutcomesSummary From(
        Kernel.LinuxKernel kernel, IReadOnlyList<HungTaskReport> hung, IReadOnlyList<DeadlockReport> deadlocks, IReadOnlyList<Workloads.StepOutcome> steps, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(hung);
        ArgumentNullException.ThrowIfNull(deadlocks);
        ArgumentNullException.ThrowIfNull(steps);
        var conns = new List<(string Mount, Fs.Fuse.FuseConn Conn, Fs.Fuse.FuseFsOps? Ops)>();
        foreach (Fs.SuperBlock sb in kernel.Fs.Supers)
        {
            if (sb.FsInfo is Fs.Fuse.FuseConn c)
            {
                conns.Add((sb.Name, c, sb.Ops as Fs.Fuse.FuseFsOps));
            }
        }

        var hungList = new List<HungTaskOutcome>(hung.Count);
        var roleCounts = new int[OutcomeClassifier.Roles.Count];
        for (int h = 0; h < hung.Count; h++)
        {
            HungTaskReport r = hung[h];
            WaitChainLink self = r.Chain.Links[0];
            TaskFacts facts = FactsAt(kernel, self, r.TimeNs, steps, h < kernel.HungTaskFacts.Count ? kernel.HungTaskFacts[h] : null);
            string role = OutcomeClassifier.Role(self, facts);
            roleCounts[IndexOf(role)]++;
            var sites = new List<string>();
            foreach (WaitChainLink l in r.Chain.Links)
            {
                if (l.WaitSite is not null)
                {
                    sites.Add(l.WaitSite);
                }
            }

            (string? serverTask, string? serverState) = OutcomeClassifier.ChainEnd(r.Chain, kernel.IsFuseServerThread);
            hungList.Add(new HungTaskOutcome(r.TimeNs, $"{r.Comm}:{r.Pid}", role, self.WaitSite, sites, serverTask is not null, serverTask, serverState));
        }

        var byRole = new List<RoleCount>();
        for (int i = 0; i < roleCounts.Length; i++)
        {
            if (roleCounts[i] > 0)
            {
                byRole.Add(new RoleCount(OutcomeClassifier.Roles[i], roleCounts[i]));
            }
        }

        var deadList = new List<DeadlockOutcome>(deadlocks.Count);
        for (int k = 0; k < deadlocks.Count; k++)
        {
            DeadlockReport d = deadlocks[k];
            var facts = new TaskFacts[d.Cycle.Count];
            var tasks = new string[d.Cycle.Count];
            var sites = new string[d.Cycle.Count];
            for (int i = 0; i < facts.Length; i++)
            {
                WaitChainLink m = d.Cycle[i];
                facts[i] = FactsAt(kernel, m, d.TimeNs, steps, k < kernel.DeadlockFacts.Count ? kernel.DeadlockFacts[k][i] : null);
                tasks[i] = m.TaskName;
                sites[i] = m.WaitSite ?? string.Empty;
            }

            deadList.Add(new DeadlockOutcome(d.TimeNs, OutcomeClassifier.DeadlockKind(d.Cycle, facts), tasks, sites));
        }

        var stepList = new List<StepOutcomeSummary>(steps.Count);
        foreach (Workloads.StepOutcome o in steps)
        {
            stepList.Add(StepOf(o, nowNs));
        }

        Mm.Migrate.MigrateWritebackStats ws = kernel.Migrate.WritebackStats;
        long requestTimeouts = 0;
        long tempPeak = 0;
        var fuse = new List<FuseConnSummary>(conns.Count);
        foreach (var (mount, conn, ops) in conns)
        {
            requestTimeouts += conn.Timeouts;
            var temp = ops?.Copies as Fs.Fuse.FuseTempPages;
            tempPeak += temp?.NrTempPagesPeak ?? 0;
            fuse.Add(new FuseConnSummary(
                mount, conn.Connected, conn.Sent, conn.Answered, conn.Aborted, conn.NumBackgroundPeak, conn.Timeouts,
                ops?.WritebackRequests ?? 0, ops?.WritebackPages ?? 0, temp?.NrTempPages ?? 0, temp?.NrTempPagesPeak ?? 0, temp?.Copies ?? 0, temp?.CopyNs ?? 0,
                conn.Readers.Count));
        }

        var waits = new WaitOutcomes(ws.Timeouts, ws.Cancels, ws.CancelsRefused, ws.FalseAborts, ws.Pending, requestTimeouts);
        return new OutcomesSummary(hungList, byRole, deadList, stepList, waits, fuse, tempPeak);
    }

    /// <summary>One step's outcome in the outcome words.</summary>
    /// <param name="o">The step.</param>
    /// <param name="nowNs">The end of the run.</param>
    /// <returns>Its summary.</returns>
    /// <remarks>
    /// Offline reports its attempt's own outcome (ok, ebusy, hung, retrying, interrupted, timeout) and passes. Other steps:
    /// ok; a failed cma_alloc or alloc_contig is ebusy (alloc_contig_range's -EBUSY after cma_alloc's retries), or
    /// timeout/interrupted when the kernel's reason says ETIMEDOUT/EINTR; still running, hung while its task sleeps in D
    /// without a bound, else retrying (runnable, or in a bounded wait such as wait-timeout's).
    /// </remarks>
    public static StepOutcomeSummary StepOf(Workloads.StepOutcome o, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(o);
        (string result, string reason, long latency) = o.At(nowNs);
        if (o is Workloads.Timed.OfflineStepOutcome off)
        {
            // A D sleep with a bound (wait-timeout, cancel-writeback) will end by itself: the attempt is retrying, not hung.
            string word = result == "hung" && o.Task is { WaitDeadlineNs: >= 0 } ? "retrying" : result;
            return new StepOutcomeSummary(o.Index, o.Action, o.Id, word, off.Attempt.Passes, latency, reason);
        }

        string outcome = result switch
        {
            "ok" => "ok",
            "ebusy" or "eio" or "enomem" or "enoent" => result, // steps (issue 9): the other MIGRATE_SYNC users' errno words
            Workloads.StepOutcome.Running => o.Task is { State: TaskState.Uninterruptible, WaitDeadlineNs: < 0 } ? "hung" : "retrying",
            _ when reason.Contains("ETIMEDOUT", StringComparison.OrdinalIgnoreCase) || reason.Contains("timeout", StringComparison.OrdinalIgnoreCase) => "timeout",
            _ when reason.Contains("EINTR", StringComparison.Ordinal) || reason.Contains("interrupt", StringComparison.OrdinalIgnoreCase) => "interrupted",
            _ when o.Action is "cma_alloc" or "alloc_contig" => "ebusy",
            _ => "failed",
        };
        return new StepOutcomeSummary(o.Index, o.Action, o.Id, outcome, 0, latency, reason);
    }

    // What the kernel says about a link's task: the facts it recorded when the task was reported (else what it says at
    // the end of the run), with the scripted step the task ran at that time when there is one.
    private static TaskFacts FactsAt(Kernel.LinuxKernel kernel, WaitChainLink link, long timeNs, IReadOnlyList<Workloads.StepOutcome> steps, TaskFacts? recorded)
    {
        string? step = null;
        foreach (Workloads.StepOutcome o in steps)
        {
            if (o.Task?.Pid == link.Pid && o.AtNs <= timeNs && (o.EndNs < 0 || o.EndNs >= timeNs))
            {
                step = o.Action;
            }
        }

        TaskFacts facts = recorded ?? kernel.FactsOf(kernel.Sim.Tasks[link.Pid - 1]);
        return facts with { Activity = step ?? facts.Activity };
    }

    private static int IndexOf(string role)
    {
        for (int i = 0; i < OutcomeClassifier.Roles.Count; i++)
        {
            if (OutcomeClassifier.Roles[i] == role)
            {
                return i;
            }
        }

        return OutcomeClassifier.Roles.Count - 1;
    }
}
