// Sending a signal to a task, as far as memory management sees it (kernel/signal.c): the task's
// signal_pending() becomes true, and a task in an interruptible sleep (S) is woken; a task in D
// sleeps on (folio_wait_writeback, folio_lock), which is why a hung offline cannot be interrupted.
using MmSim.Mm;
using MmSim.Sim;

namespace MmSim.Kernel;

public sealed partial class LinuxKernel
{
    /// <summary>kernel/signal.c: send_signal_locked → signal_wake_up: marks <paramref name="signo"/> pending and wakes the task if it sleeps in S.</summary>
    /// <param name="task">The task.</param>
    /// <param name="signo">The signal (SIGTERM, what <c>timeout</c> sends, by default).</param>
    /// <returns>True when the task was woken (it slept interruptibly).</returns>
    public bool SendSignal(SimTask task, int signo = TaskContext.SigTerm)
    {
        ArgumentNullException.ThrowIfNull(task);
        ContextOf(task).SendSignal(signo);

        // signal_wake_up(t, 0) → wake_up_state(t, TASK_INTERRUPTIBLE): only S sleepers wake.
        return task.State == TaskState.Interruptible && Sim.WakeUpProcess(task);
    }
}
