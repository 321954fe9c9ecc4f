namespace MmSim.Sim;

/// <summary>
/// Something a task can wait on: a wait queue, a completion, a mutex, a timer. It names itself
/// and the task expected to release it, which is what the hung-task and deadlock reports follow.
/// </summary>
/// <remarks>
/// The kernel records a blocker only for some locks (kernel/hung_task.c: debug_show_blocker,
/// CONFIG_DETECT_HUNG_TASK_BLOCKER). mmsim asks every wait target, so a chain such as
/// "writer → folio writeback → FUSE server → request queue → …" can be walked to its end.
/// </remarks>
public interface IWaitTarget
{
    /// <summary>A short description for reports, e.g. <c>"folio 0x1234 writeback"</c> or <c>"mutex fc-&gt;lock"</c>.</summary>
    /// <returns>The description.</returns>
    string Describe();

    /// <summary>The task whose progress ends the wait (a mutex's owner, a FUSE server thread), or null if unknown or none.</summary>
    SimTask? Releaser { get; }
}
