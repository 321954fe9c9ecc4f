using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>
/// <c>khungtaskd</c>: a kernel thread that periodically looks for tasks stuck in D state and
/// reports each one with its wait chain.
/// </summary>
/// <remarks>
/// <para>
/// kernel/hung_task.c: watchdog, check_hung_uninterruptible_tasks, check_hung_task. Every
/// <c>hung_task_check_interval_secs</c> (0: the timeout) the thread examines tasks in D state. A
/// task whose switch count changed since the previous check is only remembered; one whose count
/// did not change and that has slept for at least <c>hung_task_timeout_secs</c> is reported.
/// </para>
/// <para>
/// Difference from the kernel: the kernel cannot see when a task fell asleep, so it measures from
/// the first check that saw the current switch count (<c>last_switch_time</c>) and reports up to one
/// interval late; mmsim knows <see cref="SimTask.BlockedSinceNs"/> and measures from it. A task
/// blocked at 0 s is thus reported at 120 s with a 1 s interval (the kernel: 121 s), and at 240 s
/// with the default interval (as in the kernel). The headline prints the time actually blocked,
/// as kernels since 5.x print <c>(jiffies - last_switch_time) / HZ</c> rather than the timeout.
/// The kernel repeats a report at every check until <c>hung_task_warnings</c> runs out; mmsim
/// reports each sleep once, so the list holds one entry per hung episode.
/// </para>
/// </remarks>
public sealed class HungTaskDetector
{
    private readonly Simulator simulator;
    private readonly List<HungTaskReport> reports = [];

    // Per task, indexed by pid - 1 (task_struct's last_switch_count under CONFIG_DETECT_HUNG_TASK).
    private readonly List<long> lastSwitchCount = [];

    // Per task: the switch count of the sleep already reported, so each sleep is reported once.
    private readonly List<long> reportedSwitchCount = [];

    // khungtaskd sleeps here forever when hung_task_timeout_secs is 0; nobody wakes it.
    private readonly WaitQueue disabledWait = new("hung_task disabled");

    /// <summary>Starts <c>khungtaskd</c> on <paramref name="simulator"/> (it takes the next pid).</summary>
    /// <param name="simulator">The simulation.</param>
    /// <param name="sysctl">Settings; null for the kernel defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <remarks>kernel/hung_task.c: hung_task_init → kthread_run(watchdog, NULL, "khungtaskd").</remarks>
    public HungTaskDetector(Simulator simulator, HungTaskSysctl? sysctl = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        Sysctl = sysctl ?? new HungTaskSysctl();
        Sysctl.Validate();
        this.simulator = simulator;
        HungTaskWarnings = Sysctl.HungTaskWarnings;
        Khungtaskd = simulator.Spawn("khungtaskd", Watchdog(), kernelThread: true);
    }

    /// <summary>The settings in force.</summary>
    public HungTaskSysctl Sysctl { get; }

    /// <summary>The detector's kernel thread.</summary>
    public SimTask Khungtaskd { get; }

    /// <summary>Hung tasks found, in the order found (printed or not).</summary>
    public IReadOnlyList<HungTaskReport> Reports => reports;

    /// <summary>Hung tasks detected so far (<c>kernel.hung_task_detect_count</c>).</summary>
    public long HungTaskDetectCount { get; private set; }

    /// <summary>Reports still to be printed (<c>sysctl_hung_task_warnings</c>, counts down; −1 = unlimited).</summary>
    public int HungTaskWarnings { get; private set; }

    /// <summary>Called with each new report, while the task still sleeps the sleep reported (outcomes, issue 9: the kernel
    /// records what only it knows about the task then, such as the system call it is in).</summary>
    public Action<HungTaskReport>? Reported { get; set; }

    /// <summary>Checks run so far.</summary>
    public long ChecksRun { get; private set; }

    /// <summary>The thread body (kernel/hung_task.c: watchdog).</summary>
    private IEnumerable<Wait> Watchdog()
    {
        long timeoutSecs = Sysctl.HungTaskTimeoutSecs;
        if (timeoutSecs == 0)
        {
            // Timeout 0 disables checking: the kernel's watchdog sleeps MAX_SCHEDULE_TIMEOUT.
            yield return Wait.On(disabledWait, TaskState.Interruptible, Wait.SiteScheduleTimeoutInterruptible);
            yield break;
        }
        long intervalSecs = Sysctl.HungTaskCheckIntervalSecs == 0 ? timeoutSecs : Sysctl.HungTaskCheckIntervalSecs;
        long intervalNs = SimTime.FromSeconds(Math.Min(intervalSecs, timeoutSecs));
        // A daemon: it runs until the simulation ends, like the kernel thread.
        while (true)
        {
            yield return Wait.Sleep(intervalNs, TaskState.Interruptible, Wait.SiteScheduleTimeoutInterruptible);
            CheckHungUninterruptibleTasks(SimTime.FromSeconds(timeoutSecs));
        }
    }

    /// <summary>One pass over the tasks (kernel/hung_task.c: check_hung_uninterruptible_tasks).</summary>
    /// <param name="timeoutNs">How long a D sleep may last.</param>
    internal void CheckHungUninterruptibleTasks(long timeoutNs)
    {
        Debug.Assert(timeoutNs > 0, "checks run only with a timeout");
        ChecksRun++;
        IReadOnlyList<SimTask> tasks = simulator.Tasks;
        GrowPerTaskState(tasks.Count);
        int examinedMax = Sysctl.HungTaskCheckCount;
        for (int i = 0; i < tasks.Count && examinedMax > 0; i++)
        {
            SimTask task = tasks[i];
            if (task.State == TaskState.Dead)
            {
                continue;
            }
            examinedMax--;
            if (task.State == TaskState.Uninterruptible)
            {
                CheckHungTask(task, timeoutNs);
            }
        }
    }

    /// <summary>Judges one task in D state (kernel/hung_task.c: check_hung_task).</summary>
    private void CheckHungTask(SimTask task, long timeoutNs)
    {
        Debug.Assert(task.State == TaskState.Uninterruptible, "only D tasks are checked");
        Debug.Assert(task.BlockedSinceNs >= 0, "a sleeping task knows when it fell asleep");
        long switchCount = task.SwitchCount;
        if (switchCount == 0)
        {
            return;  // never switched out: the kernel skips it too
        }
        int index = task.Pid - 1;
        if (switchCount != lastSwitchCount[index])
        {
            lastSwitchCount[index] = switchCount;
            return;
        }
        long blockedNs = simulator.Now - task.BlockedSinceNs;
        if (blockedNs < timeoutNs || reportedSwitchCount[index] == switchCount)
        {
            return;
        }
        reportedSwitchCount[index] = switchCount;
        Report(task, blockedNs);
    }

    private void Report(SimTask task, long blockedNs)
    {
        HungTaskDetectCount++;
        bool printed = HungTaskWarnings != 0;
        if (HungTaskWarnings > 0)
        {
            HungTaskWarnings--;
        }
        reports.Add(new HungTaskReport(
            simulator.Now, task.Pid, task.Comm, blockedNs, WaitChain.Walk(task), printed, HungTaskDetectCount));
        Reported?.Invoke(reports[^1]);
    }

    private void GrowPerTaskState(int taskCount)
    {
        while (lastSwitchCount.Count < taskCount)
        {
            lastSwitchCount.Add(0);
            reportedSwitchCount.Add(0);
        }
        Debug.Assert(reportedSwitchCount.Count == lastSwitchCount.Count, "per-task arrays stay parallel");
    }
}
