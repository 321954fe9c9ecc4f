using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MmSim.Sim;

/// <summary>
/// Finds cycles in the wait-for graph (task → wait target → releaser task → …) the moment they close.
/// </summary>
/// <remarks>
/// <para>
/// The kernel's closest tools are lockdep (kernel/locking/lockdep.c: check_noncircular, which
/// finds lock-order cycles) and the hung-task detector, which only notices a deadlock after
/// <c>hung_task_timeout_secs</c>. A simulator knows every waiter's releaser, so it can name the
/// cycle when it forms, including cycles through writeback and FUSE requests that lockdep cannot see.
/// </para>
/// <para>
/// A wait with a timeout is not an edge: the task will run again without help, so a cycle through
/// it is not a deadlock (this is what the "wait with a timeout" FUSE design relies on). Each cycle
/// is reported once, keyed by its set of pids. A new cycle must contain the task that just went to
/// sleep, so checking from that task costs one walk of its chain, bounded by the number of tasks,
/// without allocation; <see cref="ScanAll"/> also catches cycles closed by a releaser changing later.
/// </para>
/// </remarks>
public sealed class DeadlockDetector
{
    private readonly Simulator simulator;
    private readonly List<DeadlockReport> deadlocks = [];

    // Membership only, never iterated, so hash order cannot leak into results.
    private readonly HashSet<string> reportedKeys = new(StringComparer.Ordinal);

    /// <summary>Attaches a detector to <paramref name="simulator"/>; it then checks every task that goes to sleep.</summary>
    /// <param name="simulator">The simulation.</param>
    /// <exception cref="InvalidOperationException">The simulator already has a deadlock detector.</exception>
    public DeadlockDetector(Simulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        if (simulator.TaskBlockedHook is not null)
        {
            throw new InvalidOperationException("The simulator already has a deadlock detector.");
        }
        this.simulator = simulator;
        simulator.TaskBlockedHook = OnTaskBlocked;
    }

    /// <summary>Called with each new cycle, while its members still sleep in it (outcomes, issue 9).</summary>
    public Action<DeadlockReport>? Found { get; set; }

    /// <summary>The cycles found, in the order found.</summary>
    public IReadOnlyList<DeadlockReport> Deadlocks => deadlocks;

    /// <summary>Checks from every sleeping task, in pid order. O(tasks²) in the worst case; for the end of a run or tests.</summary>
    /// <returns>The number of new cycles found.</returns>
    public int ScanAll()
    {
        int before = deadlocks.Count;
        IReadOnlyList<SimTask> tasks = simulator.Tasks;
        for (int i = 0; i < tasks.Count; i++)
        {
            if (tasks[i].IsBlocked)
            {
                CheckFrom(tasks[i]);
            }
        }
        return deadlocks.Count - before;
    }

    private void OnTaskBlocked(SimTask task) => CheckFrom(task);

    /// <summary>Follows the chain from <paramref name="start"/>, marking tasks; a marked task seen again closes a cycle.</summary>
    private void CheckFrom(SimTask start)
    {
        long stamp = simulator.NextChainWalkStamp();
        int stepsMax = simulator.Tasks.Count + 1;
        SimTask task = start;
        for (int step = 0; step < stepsMax; step++)
        {
            if (!WaitsWithoutTimeout(task))
            {
                return;
            }
            if (task.ChainWalkStamp == stamp)
            {
                RecordCycle(task);
                return;
            }
            task.ChainWalkStamp = stamp;
            SimTask? releaser = task.WaitingOn!.Releaser;
            if (releaser is null)
            {
                return;
            }
            task = releaser;
        }
        Debug.Fail("a chain longer than the task count must have revisited a task");
    }

    private static bool WaitsWithoutTimeout(SimTask task) =>
        task.IsBlocked && task.WaitDeadlineNs < 0 && task.WaitingOn is not null;

    /// <summary>Captures the cycle through <paramref name="member"/>, rotated to start at its lowest pid, once per pid set.</summary>
    private void RecordCycle(SimTask member)
    {
        var tasks = new List<SimTask>();
        int lowest = 0;
        SimTask task = member;
        for (int i = 0; i <= simulator.Tasks.Count; i++)
        {
            tasks.Add(task);
            if (task.Pid < tasks[lowest].Pid)
            {
                lowest = tasks.Count - 1;
            }
            task = task.WaitingOn!.Releaser!;
            if (ReferenceEquals(task, member))
            {
                break;
            }
        }
        string key = CycleKey(tasks);
        if (!reportedKeys.Add(key))
        {
            return;
        }
        var links = new WaitChainLink[tasks.Count];
        for (int i = 0; i < links.Length; i++)
        {
            SimTask t = tasks[(lowest + i) % tasks.Count];
            links[i] = WaitChainLink.Capture(t, t.WaitingOn!.Releaser);
        }
        deadlocks.Add(new DeadlockReport(simulator.Now, links));
        Found?.Invoke(deadlocks[^1]);
    }

    private static string CycleKey(List<SimTask> tasks)
    {
        var pids = new int[tasks.Count];
        for (int i = 0; i < pids.Length; i++)
        {
            pids[i] = tasks[i].Pid;
        }
        Array.Sort(pids);
        var key = new StringBuilder();
        foreach (int pid in pids)
        {
            key.Append(pid.ToString(CultureInfo.InvariantCulture)).Append(',');
        }
        return key.ToString();
    }
}
