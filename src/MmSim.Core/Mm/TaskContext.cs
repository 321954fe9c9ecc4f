using MmSim.Sim;

namespace MmSim.Mm;

/// <summary>The bits of <c>current-&gt;flags</c> that memory management reads.</summary>
/// <remarks>include/linux/sched.h: PF_*.</remarks>
[Flags]
public enum TaskFlags : uint
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>PF_MEMALLOC: allocating to free memory (reclaim, kswapd); may use reserves, never recurses into reclaim.</summary>
    Memalloc = 0x00000800,

    /// <summary>PF_KTHREAD: a kernel thread.</summary>
    Kthread = 0x00200000,

    /// <summary>PF_MEMALLOC_NOFS (memalloc_nofs_save): allocations drop __GFP_FS.</summary>
    MemallocNofs = 0x00040000,

    /// <summary>PF_MEMALLOC_NOIO (memalloc_noio_save): allocations drop __GFP_IO and __GFP_FS.</summary>
    MemallocNoio = 0x00080000,

    /// <summary>PF_MEMALLOC_PIN (memalloc_pin_save): allocations avoid ZONE_MOVABLE and CMA (drop __GFP_MOVABLE).</summary>
    MemallocPin = 0x10000000,
}

/// <summary>
/// A compaction capture request (struct capture_control): while the task compacts for an allocation,
/// a block of exactly <see cref="Order"/> freed in <see cref="Zone"/> goes straight to it.
/// </summary>
/// <remarks>mm/internal.h: struct capture_control; mm/page_alloc.c: compaction_capture.</remarks>
public sealed class CaptureControl
{
    /// <summary>The zone being compacted (capc-&gt;cc-&gt;zone; one node, so its index names it); null between zones, when nothing may be captured.</summary>
    public ZoneType? Zone { get; set; }

    /// <summary>The order the allocation needs.</summary>
    public int Order { get; set; }

    /// <summary>Migratetype of the allocation.</summary>
    public MigrateType Migratetype { get; set; }

    /// <summary>The captured block's PFN, or −1 while nothing was captured (capc-&gt;page).</summary>
    public int Page { get; set; } = -1;
}

/// <summary>
/// The kernel's view of a task (<c>current</c>): who it is, which memcg it is charged to, and the
/// allocation scopes and flags that change how its allocations behave.
/// </summary>
/// <remarks>
/// include/linux/sched.h: task_struct (pid, comm, flags, memcg via its css_set,
/// capture_control); include/linux/sched/mm.h: current_gfp_context and the memalloc_*_save
/// scopes. Every task of a run has one; code running outside any task (boot, untimed workloads,
/// callbacks) uses the kernel object's boot context, which cannot sleep.
/// </remarks>
public sealed class TaskContext
{
    /// <summary>Creates the context of <paramref name="task"/>, or the boot context when null.</summary>
    /// <param name="task">The simulated task, or null.</param>
    public TaskContext(SimTask? task)
    {
        Task = task;
        if (task is { IsKernelThread: true })
        {
            Flags = TaskFlags.Kthread;
        }
    }

    /// <summary>The engine task, or null for the boot context.</summary>
    public SimTask? Task { get; }

    /// <summary>The pid (0 for the boot context, as the idle task).</summary>
    public int Pid => Task?.Pid ?? 0;

    /// <summary>The command name.</summary>
    public string Comm => Task?.Comm ?? "swapper/0";

    /// <summary>PF_* flags.</summary>
    public TaskFlags Flags { get; set; }

    /// <summary>Id of the memcg the task's allocations are charged to (0: the root).</summary>
    public ushort MemcgId { get; set; }

    /// <summary>memcg: pages charged over memory.high since the last return to user space (current->memcg_nr_pages_over_high); mem_cgroup_handle_over_high pays them off.</summary>
    public int MemcgNrPagesOverHigh { get; set; }

    /// <summary>task-&gt;mm: the address space of the task's process, null for kernel threads and the boot context (swap/OOM, issue 8).</summary>
    public MmStruct? Mm { get; set; }

    /// <summary>tsk_is_oom_victim: the OOM killer chose the task's process.</summary>
    public bool IsOomVictim => Mm is { OomVictim: true };

    /// <summary>The capture request of a compaction this task runs for an allocation, or null.</summary>
    public CaptureControl? Capture { get; set; }

    /// <summary>
    /// The system call (or sysfs/procfs write) the task is in, as /proc/PID/syscall names it — "fsync", "close", "sync",
    /// or a scripted step such as "offline" —, or null; set only around calls that can sleep long (outcomes, issue 9).
    /// </summary>
    public string? Syscall { get; set; }

    // Writeback (issue 8): the dirty throttle's per-task state (task_struct fields).

    /// <summary>nr_dirtied: pages dirtied since the last balance_dirty_pages.</summary>
    public long NrDirtied { get; set; }

    /// <summary>nr_dirtied_pause: pages the task may dirty before balance_dirty_pages runs (128 KiB at fork).</summary>
    public long NrDirtiedPause { get; set; } = 128 >> (MmConstants.PageShift - 10);

    /// <summary>dirty_paused_when, in jiffies of the dirty throttle (0: never paused).</summary>
    public long DirtyPausedWhen { get; set; }

    /// <summary>Time slept in balance_dirty_pages, ns.</summary>
    public long DirtyThrottledNs { get; set; }

    /// <summary>True when the task may sleep (a task, not the boot context or an interrupt).</summary>
    public bool CanSleep => Task is not null;

    /// <summary>The PFN the task's last sleeping allocation returned (−1 for failure), read after awaiting it.</summary>
    public int AllocResult { get; set; } = -1;

    /// <summary>
    /// The return value of the last kernel path the task awaited (a fault's result, a read's success,
    /// a slab's PFN), as a system call leaves it in a register: read it right after the call returns.
    /// </summary>
    public int Ret { get; set; }

    /// <summary>Signals sent to the task and not yet handled, as a bit per signal number (1 &lt;&lt; signo).</summary>
    /// <remarks>The kernel's task->pending; mmsim models delivery only as far as mm/ checks for it: kernel
    /// paths test it between steps and return -EINTR, nothing is woken by it from an uninterruptible sleep.</remarks>
    public ulong PendingSignals { get; private set; }

    /// <summary>signal_pending: any signal is pending.</summary>
    public bool SignalPending => PendingSignals != 0;

    /// <summary>fatal_signal_pending: SIGKILL is pending.</summary>
    public bool FatalSignalPending => (PendingSignals & (1UL << SigKill)) != 0;

    /// <summary>SIGKILL's number.</summary>
    public const int SigKill = 9;

    /// <summary>SIGTERM's number (what <c>timeout</c> sends).</summary>
    public const int SigTerm = 15;

    /// <summary>Sends signal <paramref name="signo"/> to the task (send_signal; it stays pending until <see cref="FlushSignals"/>).</summary>
    /// <param name="signo">1..63.</param>
    public void SendSignal(int signo)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signo, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signo, 63);
        PendingSignals |= 1UL << signo;
    }

    /// <summary>Drops every pending signal (the return to user space delivered them).</summary>
    public void FlushSignals() => PendingSignals = 0;

    /// <summary>current_gfp_context: the task's scopes applied to a gfp mask.</summary>
    /// <param name="gfp">The caller's mask.</param>
    /// <returns>The mask in force.</returns>
    /// <remarks>include/linux/sched/mm.h: current_gfp_context — NOIO drops __GFP_IO and __GFP_FS, NOFS drops
    /// __GFP_FS, PIN drops __GFP_MOVABLE.</remarks>
    public GfpFlags CurrentGfpContext(GfpFlags gfp)
    {
        TaskFlags f = Flags;
        if ((f & (TaskFlags.MemallocNoio | TaskFlags.MemallocNofs | TaskFlags.MemallocPin)) == 0)
        {
            return gfp;
        }

        if ((f & TaskFlags.MemallocNoio) != 0)
        {
            gfp &= ~(GfpFlags.Io | GfpFlags.Fs);
        }
        else if ((f & TaskFlags.MemallocNofs) != 0)
        {
            gfp &= ~GfpFlags.Fs;
        }

        if ((f & TaskFlags.MemallocPin) != 0)
        {
            gfp &= ~GfpFlags.Movable;
        }

        return gfp;
    }

    /// <summary>memalloc_nofs_save / memalloc_noio_save / memalloc_pin_save: enters a scope.</summary>
    /// <param name="scope">One of the scope flags.</param>
    /// <returns>The previous state of that flag, for <see cref="MemallocRestore"/>.</returns>
    public TaskFlags MemallocSave(TaskFlags scope)
    {
        TaskFlags old = Flags & scope;
        Flags |= scope;
        return old;
    }

    /// <summary>memalloc_*_restore: leaves a scope entered with <see cref="MemallocSave"/>.</summary>
    /// <param name="scope">The scope flag.</param>
    /// <param name="saved">What <see cref="MemallocSave"/> returned.</param>
    public void MemallocRestore(TaskFlags scope, TaskFlags saved) => Flags = (Flags & ~scope) | saved;

    /// <inheritdoc/>
    public override string ToString() => $"{Comm}:{Pid}";
}
