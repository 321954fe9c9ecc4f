// mm/oom_kill.c: the OOM killer — the victim's choice (oom_badness, select_bad_process), the kill
// (oom_kill_process: SIGKILL, mark_oom_victim, the kernel log line) and the wait for a victim that
// is still exiting. The memcg OOM entry (mem_cgroup_out_of_memory) is here too, behind IMemcgOom.
using System.Globalization;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.OomKill;

/// <summary>One line the OOM killer wrote to the kernel log.</summary>
/// <param name="TimeNs">When (simulated).</param>
/// <param name="Text">The line, in the kernel's format.</param>
public readonly record struct OomLogLine(long TimeNs, string Text);

/// <summary>The OOM killer of one kernel: the processes it may choose from, out_of_memory and the memcg OOM.</summary>
/// <remarks>mm/oom_kill.c: out_of_memory, select_bad_process, oom_evaluate_task, oom_badness, oom_kill_process,
/// __oom_kill_process, mark_oom_victim, task_will_free_mem, queue_oom_reaper; mm/memcontrol.c:
/// mem_cgroup_out_of_memory, mem_cgroup_get_max, mem_cgroup_scan_tasks, memcg_memory_event(_mm).
/// The OOM reaper's work is folded into the victim's exit (the victim's task frees its memory when it
/// next returns to user space); the reaper's timer only hides a victim that never exits (MMF_OOM_SKIP).</remarks>
public sealed class OomKiller : IMemcgOom
{
    /// <summary>OOM_REAPER_DELAY: 2 s (2*HZ) before the reaper looks at a victim.</summary>
    public const long OomReaperDelayNs = 2 * SimTime.NsPerSec;

    private readonly PgData node;
    private readonly MemcgTree memcg;
    private readonly Simulator sim;
    private readonly Func<TaskContext> current;
    private readonly Func<SimTask, TaskContext> contextOf;
    private readonly Func<SimTask, int, bool> sendSignal;
    private readonly List<MmStruct> processes = [];
    private readonly List<OomLogLine> log = [];

    /// <summary>Creates the OOM killer of a kernel.</summary>
    /// <param name="node">The node (totalram_pages, vm events).</param>
    /// <param name="memcg">The memory cgroups (memcg OOM scope and events).</param>
    /// <param name="sim">The engine (clock, the reaper's timer).</param>
    /// <param name="current">current.</param>
    /// <param name="contextOf">The task_struct of a task.</param>
    /// <param name="sendSignal">send_sig: signals a task and wakes it from an interruptible sleep.</param>
    public OomKiller(PgData node, MemcgTree memcg, Simulator sim, Func<TaskContext> current, Func<SimTask, TaskContext> contextOf, Func<SimTask, int, bool> sendSignal)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(memcg);
        ArgumentNullException.ThrowIfNull(sim);
        this.node = node;
        this.memcg = memcg;
        this.sim = sim;
        this.current = current;
        this.contextOf = contextOf;
        this.sendSignal = sendSignal;
    }

    /// <summary>total_swap_pages: swap counts in the global totalpages (0 without swap).</summary>
    public Func<long> TotalSwapPages { get; set; } = static () => 0;

    /// <summary>The live user processes, in creation order (for_each_process).</summary>
    public IReadOnlyList<MmStruct> Processes => processes;

    /// <summary>The OOM killer's kernel log lines.</summary>
    public IReadOnlyList<OomLogLine> Log => log;

    /// <summary>Processes killed (oom_kill, global and memcg).</summary>
    public long Kills { get; private set; }

    /// <summary>Global OOMs that found no killable process: the kernel panics ("System is deadlocked on memory").</summary>
    public long NoKillablePanics { get; private set; }

    /// <summary>Invocations that found an earlier victim still exiting and killed nobody.</summary>
    public long WaitsForVictim { get; private set; }

    /// <summary>Called after each kill with the victim (workloads and tests observe kills here).</summary>
    public Action<MmStruct>? OnKill { get; set; }

    /// <summary>execve: a new process with its first task; the task's <see cref="TaskContext.Mm"/> is set.</summary>
    /// <param name="task">The process's first task.</param>
    /// <param name="comm">Its command name.</param>
    /// <param name="oomScoreAdj">oom_score_adj, −1000…1000.</param>
    /// <returns>The mm.</returns>
    public MmStruct CreateProcess(SimTask task, string comm, int oomScoreAdj = 0)
    {
        ArgumentNullException.ThrowIfNull(task);
        var mm = new MmStruct(task.Pid, comm, oomScoreAdj);
        mm.Tasks.Add(task);
        contextOf(task).Mm = mm;
        processes.Add(mm);
        return mm;
    }

    /// <summary>do_exit → exit_mm: the process's mappings and resources are freed and it leaves the task list.</summary>
    /// <param name="mm">The exiting process.</param>
    public void ExitProcess(MmStruct mm)
    {
        ArgumentNullException.ThrowIfNull(mm);
        mm.ExitMmap();
        foreach (SimTask t in mm.Tasks)
        {
            TaskContext ctx = contextOf(t);
            if (ctx.Mm == mm)
            {
                ctx.Mm = null;
            }
        }

        processes.Remove(mm);
    }

    /// <summary>
    /// The OOM killer's invariants: live processes have not exited and have non-negative counters; the
    /// anonymous pages of all processes are at most NR_ANON_PAGES (mappings outside processes hold the rest).
    /// </summary>
    /// <returns>The first violation, or null.</returns>
    public string? Verify()
    {
        long anon = 0;
        foreach (MmStruct mm in processes)
        {
            if (mm.Exited)
            {
                return $"process {mm} exited but is still on the task list";
            }

            for (int c = 0; c <= (int)MmCounter.ShmemPages; c++)
            {
                if (mm.GetMmCounter((MmCounter)c) < 0)
                {
                    return $"process {mm}: {(MmCounter)c} is {mm.GetMmCounter((MmCounter)c)}";
                }
            }

            if (mm.PgtablesBytes < 0 || mm.TotalVm < 0 || mm.GetMmRss() > mm.TotalVm)
            {
                return $"process {mm}: pgtables {mm.PgtablesBytes} B, total_vm {mm.TotalVm}, rss {mm.GetMmRss()}";
            }

            anon += mm.GetMmCounter(MmCounter.AnonPages);
        }

        long nrAnon = node.VmStat[(int)NodeStatItem.NrAnonPages];
        return anon > nrAnon ? $"processes hold {anon} anonymous pages, NR_ANON_PAGES is {nrAnon}" : null;
    }

    // mm/oom_kill.c: oom_badness. LONG_MIN for the unkillable (-1000, MMF_OOM_SKIP, exited); otherwise
    // rss + swap entries + page-table pages, plus oom_score_adj in thousandths of totalpages.
    /// <summary>mm/oom_kill.c: oom_badness — the points of a process for an OOM over <paramref name="totalPages"/>.</summary>
    /// <param name="mm">The process.</param>
    /// <param name="totalPages">oc-&gt;totalpages.</param>
    /// <returns>The points, or <see cref="long.MinValue"/> when it must not be chosen.</returns>
    public static long OomBadness(MmStruct mm, long totalPages)
    {
        ArgumentNullException.ThrowIfNull(mm);
        if (mm.Exited || mm.Tasks.Count == 0)
        {
            return long.MinValue; // find_lock_task_mm found no thread with an mm
        }

        long adj = mm.OomScoreAdj;
        if (adj == MmStruct.OomScoreAdjMin || mm.OomSkip)
        {
            return long.MinValue;
        }

        long points = mm.GetMmRss() + mm.GetMmCounter(MmCounter.SwapEnts) + mm.PgtablesBytes / MmConstants.PageSize;
        adj *= totalPages / MmStruct.OomScoreAdjMax;
        return points + adj;
    }

    /// <summary>mm/oom_kill.c: out_of_memory — kills the process with the highest badness in the OOM's scope.</summary>
    /// <param name="oc">The invocation.</param>
    /// <returns>True when progress can be expected (a victim was killed, one is still exiting, or current is exiting).</returns>
    public bool OutOfMemory(OomControl oc)
    {
        ArgumentNullException.ThrowIfNull(oc);
        TaskContext cur = current();

        // If current has a pending SIGKILL or is exiting, select it so it may allocate and exit quickly.
        if (TaskWillFreeMem(cur.Mm))
        {
            MarkOomVictim(cur.Mm!);
            oc.Killed = true;
            return true;
        }

        // The OOM killer does not compensate for IO-less reclaim; the memcg OOM kills even for GFP_NOFS.
        if ((oc.Gfp & GfpFlags.Fs) == 0 && oc.Memcg is null)
        {
            return true;
        }

        ConstrainedAlloc(oc);
        SelectBadProcess(oc);
        if (oc.Chosen is null && !oc.Aborted)
        {
            DumpHeader(oc, cur);
            Write("Out of memory and no killable processes...");
            if (oc.Memcg is null)
            {
                // panic("System is deadlocked on memory"): recorded; the allocation fails instead of halting the run.
                NoKillablePanics++;
                Write("Kernel panic - not syncing: System is deadlocked on memory");
            }

            return false;
        }

        if (oc.Aborted)
        {
            WaitsForVictim++;
            return true;
        }

        OomKillProcess(oc, cur, oc.Memcg is null ? "Out of memory" : "Memory cgroup out of memory");
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>mm/memcontrol.c: mem_cgroup_out_of_memory (the charge path counted MEMCG_OOM in mem_cgroup_oom): no kill when
    /// the charge fits by now or current is dying; oom_lock is never contended (nothing sleeps under it).</remarks>
    public IEnumerable<Wait> MemCgroupOutOfMemory(MemCgroup memcg, GfpFlags gfp, int order)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        TaskContext cur = current();

        // MEMCG_OOM was counted by the charge path's mem_cgroup_oom before it called here.
        bool ret;
        if (memcg.Memory.Limit - memcg.Memory.Usage >= 1L << order)
        {
            ret = true;
        }
        else
        {
            ret = TaskIsDying(cur) || OutOfMemory(new OomControl(gfp, order, memcg));
        }

        cur.Ret = ret ? 1 : 0;
        return [];
    }

    // task_is_dying: an OOM victim, a fatal signal, or PF_EXITING.
    private static bool TaskIsDying(TaskContext cur) => cur.IsOomVictim || cur.FatalSignalPending;

    // constrained_alloc: one node, no cpusets or mempolicies; a memcg OOM is a share of the cgroup's max.
    private void ConstrainedAlloc(OomControl oc)
    {
        long swap = TotalSwapPages();
        if (oc.Memcg is { } m)
        {
            // mem_cgroup_get_max: memory.max plus the swap it may use (swap.max / memsw.max default to no limit).
            long max = Math.Min(m.Memory.Limit, PageCounter.Max) + swap;
            oc.TotalPages = max == 0 ? 1 : max;
            oc.Constraint = OomConstraint.Memcg;
            return;
        }

        oc.TotalPages = node.ManagedPages + swap;
        oc.Constraint = OomConstraint.None;
    }

    // select_bad_process: every process for a global OOM (for_each_process), the cgroup's subtree for a
    // memcg OOM (mem_cgroup_scan_tasks); ties go to the later process (points < chosen_points skips).
    private void SelectBadProcess(OomControl oc)
    {
        oc.ChosenPoints = long.MinValue;
        foreach (MmStruct mm in processes)
        {
            if (oc.Memcg is { } scope && !InSubtree(MemcgOf(mm), scope))
            {
                continue;
            }

            if (OomEvaluateTask(mm, oc))
            {
                break;
            }
        }
    }

    // oom_evaluate_task: a victim still exiting aborts the scan (unless reaped: MMF_OOM_SKIP), so the
    // killer waits for it instead of killing another process.
    private static bool OomEvaluateTask(MmStruct mm, OomControl oc)
    {
        if (mm.OomVictim)
        {
            if (mm.OomSkip)
            {
                return false;
            }

            oc.Chosen = null;
            oc.Aborted = true;
            return true;
        }

        long points = OomBadness(mm, oc.TotalPages);
        if (points == long.MinValue || points < oc.ChosenPoints)
        {
            return false;
        }

        oc.Chosen = mm;
        oc.ChosenPoints = points;
        return false;
    }

    // oom_kill_process → __oom_kill_process: an exiting victim only gets marked; otherwise the header,
    // the oom_kill events, SIGKILL to its tasks, mark_oom_victim, the log line and the reaper's timer.
    private void OomKillProcess(OomControl oc, TaskContext cur, string message)
    {
        MmStruct victim = oc.Chosen!;
        if (TaskWillFreeMem(victim))
        {
            MarkOomVictim(victim);
            oc.Killed = true;
            return;
        }

        DumpHeader(oc, cur);
        DumpOomVictim(oc, victim);
        node.CountVmEvent(VmEventItem.OomKill);
        memcg.MemcgMemoryEvent(memcg[MemcgOf(victim)], Memcontrol.MemcgMemoryEvent.OomKill);
        foreach (SimTask t in victim.Tasks)
        {
            sendSignal(t, TaskContext.SigKill);
        }

        MarkOomVictim(victim);
        Kills++;
        oc.Killed = true;
        Write(string.Create(CultureInfo.InvariantCulture,
            $"{message}: Killed process {victim.Tgid} ({victim.Comm}) total-vm:{K(victim.TotalVm)}kB, anon-rss:{K(victim.GetMmCounter(MmCounter.AnonPages))}kB, file-rss:{K(victim.GetMmCounter(MmCounter.FilePages))}kB, shmem-rss:{K(victim.GetMmCounter(MmCounter.ShmemPages))}kB, UID:0 pgtables:{victim.PgtablesBytes >> 10}kB oom_score_adj:{victim.OomScoreAdj}"));
        QueueOomReaper(victim);
        OnKill?.Invoke(victim);
    }

    // mark_oom_victim: signal->oom_mm is set (tsk_is_oom_victim), which gives the victim ALLOC_OOM.
    private static void MarkOomVictim(MmStruct mm) => mm.OomVictim = true;

    // task_will_free_mem: every thread already has SIGKILL (SIGNAL_GROUP_EXIT) and the mm was not reaped.
    private bool TaskWillFreeMem(MmStruct? mm)
    {
        if (mm is null || mm.Exited || mm.OomSkip || mm.Tasks.Count == 0)
        {
            return false;
        }

        foreach (SimTask t in mm.Tasks)
        {
            if (!contextOf(t).FatalSignalPending)
            {
                return false;
            }
        }

        return true;
    }

    // queue_oom_reaper: after OOM_REAPER_DELAY a victim that has not exited is hidden (MMF_OOM_SKIP) so
    // the next OOM may choose another; the reaping itself happens in the victim's exit in mmsim.
    private void QueueOomReaper(MmStruct mm) =>
        sim.Schedule(OomReaperDelayNs, () =>
        {
            if (!mm.OomSkip)
            {
                mm.OomSkip = true;
                Write(string.Create(CultureInfo.InvariantCulture, $"oom_reaper: unable to reap pid:{mm.Tgid} ({mm.Comm})"));
            }
        });

    private ushort MemcgOf(MmStruct mm) => contextOf(mm.Tasks[0]).MemcgId;

    private bool InSubtree(ushort id, MemCgroup scope)
    {
        for (MemCgroup? c = memcg[id]; c is not null; c = c.Parent)
        {
            if (c == scope)
            {
                return true;
            }
        }

        return false;
    }

    // dump_header's first line (the stack, meminfo and task dump are not reproduced).
    private void DumpHeader(OomControl oc, TaskContext cur) =>
        Write(string.Create(CultureInfo.InvariantCulture,
            $"{cur.Comm} invoked oom-killer: gfp_mask=0x{(uint)oc.Gfp:x}, order={oc.Order}, oom_score_adj={cur.Mm?.OomScoreAdj ?? 0}"));

    // dump_oom_victim: the one-line summary (one node, no cpusets).
    private void DumpOomVictim(OomControl oc, MmStruct victim)
    {
        string scope = oc.Memcg is { } m ? $"oom_memcg={m.Name}" : "global_oom";
        string constraint = oc.Constraint == OomConstraint.Memcg ? "CONSTRAINT_MEMCG" : "CONSTRAINT_NONE";
        Write(string.Create(CultureInfo.InvariantCulture,
            $"oom-kill:constraint={constraint},nodemask=(null),cpuset=/,mems_allowed=0,{scope},task_memcg={memcg[MemcgOf(victim)].Name},task={victim.Comm},pid={victim.Tgid},uid=0"));
    }

    private void Write(string text) => log.Add(new OomLogLine(sim.Now, text));

    private static long K(long pages) => pages * (MmConstants.PageSize / 1024);
}
