// Outcomes (issue 9): names what a hung task was doing and what kind of deadlock a cycle is, from the wait chain.
using MmSim.Kernel;
using MmSim.Sim;

namespace MmSim.Runs;


/// <summary>Classifies hung tasks by role and deadlocks by kind, from wait chains and <see cref="TaskFacts"/>.</summary>
/// <remarks>
/// The kernel's hung-task report prints a task's comm and stack; a reader names the role from the syscall and the
/// functions on it. mmsim keeps the innermost wait site of each task on the chain, so the role comes from, in order:
/// the task being a FUSE server thread, the flusher's comm, the scripted step or system call it is in, memcg limit
/// reclaim or kswapd, then the wait site (wb_wait_for_completion: sync; fuse_sync_writes or a FUSE_FSYNC request:
/// fsync; a FUSE_FLUSH request: close; writer-side waits: writer); anything else is <c>other</c>.
/// </remarks>
public static class OutcomeClassifier
{
    /// <summary>Roles in report order (summary.json lists counts in this order).</summary>
    public static readonly IReadOnlyList<string> Roles =
        ["offline", "cma_alloc", "alloc_contig", "compact_memory", "move_pages", "mbind", "soft_offline", "memory_failure", "pin_longterm", "sync", "fsync", "close", "writer", "flusher", "reclaim", "fuse_server", "other"];

    /// <summary>Deadlock kind: a FUSE server's cgroup-v1 limit reclaim waits on writeback only the server can end.</summary>
    public const string CgroupV1Reclaim = "cgroup_v1_reclaim";

    /// <summary>Deadlock kind: any other cycle.</summary>
    public const string Other = "other";

    /// <summary>The flusher threads' comm prefix (<see cref="Fs.Flusher.Comm"/>).</summary>
    public const string FlusherCommPrefix = "kworker/u:flush-";

    // Wait sites where a task modifying file data sleeps (write(2), page_mkwrite, and the waits they reach).
    private static readonly string[] WriterSites =
    [
        "balance_dirty_pages", "folio_wait_writeback", "folio_wait_stable", "folio_prepare_writeback", "__folio_lock",
        "fuse_wait_on_page_writeback", "fuse_temp_pool_wait", "request_wait_answer",
    ];

    /// <summary>The role of a hung task.</summary>
    /// <param name="self">The hung task's link (first of its chain).</param>
    /// <param name="facts">What the kernel says about it.</param>
    /// <returns>One of <see cref="Roles"/>.</returns>
    public static string Role(WaitChainLink self, TaskFacts facts)
    {
        ArgumentNullException.ThrowIfNull(self);
        if (facts.IsFuseServer)
        {
            return "fuse_server";
        }

        if (self.Comm.StartsWith(FlusherCommPrefix, StringComparison.Ordinal))
        {
            return "flusher";
        }

        string? byActivity = facts.Activity switch
        {
            "offline" => "offline",
            "cma_alloc" => "cma_alloc",
            "alloc_contig" => "alloc_contig",
            "compact" or "compact_memory" => "compact_memory",
            "move_pages" or "mbind" or "soft_offline" or "memory_failure" or "pin_longterm" => facts.Activity, // steps (issue 9)
            "sync" => "sync",
            "fsync" => "fsync",
            "close" => "close",
            _ => null,
        };
        if (byActivity is not null)
        {
            return byActivity;
        }

        if (facts.InLimitReclaim || self.Comm.StartsWith("kswapd", StringComparison.Ordinal) || self.WaitSite == "reclaim_throttle")
        {
            return "reclaim";
        }

        string site = self.WaitSite ?? string.Empty;
        string target = self.WaitingOn ?? string.Empty;
        if (site is "wb_wait_for_completion" or "wait_sb_inodes")
        {
            return "sync";
        }

        if (site == "fuse_sync_writes" || target.Contains("(FUSE_FSYNC,", StringComparison.Ordinal))
        {
            return "fsync";
        }

        if (target.Contains("(FUSE_FLUSH,", StringComparison.Ordinal))
        {
            return "close";
        }

        return Array.IndexOf(WriterSites, site) >= 0 ? "writer" : "other";
    }

    /// <summary>A hung task's chain end: whether it is a FUSE server thread, and that thread's state.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="isFuseServer">Whether a pid is a FUSE server thread.</param>
    /// <returns>The last task as <c>comm:pid</c> when it is a server thread (else null), and its state, e.g.
    /// <c>"T do_signal_stop"</c>, <c>"S fuse_dev_do_read"</c> or <c>"R"</c> (else null).</returns>
    public static (string? ServerTask, string? ServerState) ChainEnd(WaitChain chain, Func<int, bool> isFuseServer)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(isFuseServer);
        WaitChainLink last = chain.HasCycle ? chain.Links[chain.CycleStart] : chain.Links[^1];
        if (!isFuseServer(last.Pid))
        {
            return (null, null);
        }

        string state = last.State.IsBlocked() && last.WaitSite is not null ? $"{last.State.ToChar()} {last.WaitSite}" : last.State.ToChar().ToString();
        return (last.TaskName, state);
    }

    /// <summary>The kind of a deadlock.</summary>
    /// <param name="cycle">The cycle's members in wait order.</param>
    /// <param name="facts">What the kernel says about each member (same order).</param>
    /// <returns><see cref="CgroupV1Reclaim"/> when a member sleeps in folio_wait_writeback under memcg limit reclaim on a
    /// FUSE folio (its writeback is released by a FUSE server thread); else <see cref="Other"/>.</returns>
    public static string DeadlockKind(IReadOnlyList<WaitChainLink> cycle, IReadOnlyList<TaskFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(facts);
        for (int i = 0; i < cycle.Count; i++)
        {
            WaitChainLink m = cycle[i];
            if (m.WaitSite != "folio_wait_writeback" || !facts[i].InLimitReclaim)
            {
                continue;
            }

            // The releaser of a FUSE folio's writeback is the server thread holding (or about to pick up) its request.
            for (int j = 0; j < cycle.Count; j++)
            {
                if (cycle[j].Pid == m.ReleaserPid && facts[j].IsFuseServer)
                {
                    return CgroupV1Reclaim;
                }
            }
        }

        return Other;
    }
}
