namespace MmSim.Sim;

/// <summary>
/// Scheduling state of a <see cref="SimTask"/>, as <c>ps</c> and the hung-task report show it.
/// </summary>
/// <remarks>
/// include/linux/sched.h: TASK_RUNNING, TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, EXIT_DEAD.
/// The kernel has one TASK_RUNNING for both "on a CPU" and "on a run queue"; mmsim keeps them
/// apart (a woken task is <see cref="Runnable"/> until its resume event runs) but prints both as 'R'.
/// No CPU contention is modelled: any number of tasks can be <see cref="Running"/> at once.
/// </remarks>
public enum TaskState
{
    /// <summary>Executing its body or charging simulated CPU work ('R').</summary>
    Running = 1,

    /// <summary>Woken or newly spawned, waiting for its resume event at the current time ('R').</summary>
    Runnable,

    /// <summary>Sleeping, wakes on a signal-free wake-up or timeout (TASK_INTERRUPTIBLE, 'S').</summary>
    Interruptible,

    /// <summary>Sleeping in uninterruptible wait (TASK_UNINTERRUPTIBLE, 'D'); the hung-task detector watches these.</summary>
    Uninterruptible,

    /// <summary>The body has finished or thrown (EXIT_DEAD, 'X').</summary>
    Dead,
}

/// <summary>Helpers on <see cref="TaskState"/>.</summary>
public static class TaskStateExtensions
{
    /// <summary>The one-letter code the kernel prints for a state.</summary>
    /// <param name="state">The state.</param>
    /// <returns>'R', 'S', 'D' or 'X'.</returns>
    /// <remarks>fs/proc/array.c: task_state_array; include/linux/sched.h: task_state_to_char.</remarks>
    public static char ToChar(this TaskState state) => state switch
    {
        TaskState.Running => 'R',
        TaskState.Runnable => 'R',
        TaskState.Interruptible => 'S',
        TaskState.Uninterruptible => 'D',
        TaskState.Dead => 'X',
        _ => '?',
    };

    /// <summary>True for the two sleeping states, S and D.</summary>
    /// <param name="state">The state.</param>
    /// <returns>Whether a task in this state waits for something.</returns>
    public static bool IsBlocked(this TaskState state) =>
        state is TaskState.Interruptible or TaskState.Uninterruptible;
}
