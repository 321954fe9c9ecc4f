using System.Diagnostics;
using System.Text;

namespace MmSim.Sim;

/// <summary>
/// A walk of the wait-for graph from one task: task → what it waits on → that target's releaser →
/// what the releaser waits on … until a task that is not sleeping, a target with no known
/// releaser, or a task already on the chain (a cycle).
/// </summary>
/// <remarks>
/// The kernel prints one hop of this for mutexes and semaphores (kernel/hung_task.c:
/// debug_show_blocker); mmsim follows the whole chain so a report names the root cause, e.g. the
/// FUSE server that never answers. The walk is bounded by the number of tasks.
/// </remarks>
/// <param name="Links">The tasks in walk order; the first is where the walk started.</param>
/// <param name="CycleStart">Index in <see cref="Links"/> of the task the walk returned to, or −1 if the chain has no cycle.</param>
public sealed record WaitChain(IReadOnlyList<WaitChainLink> Links, int CycleStart)
{
    /// <summary>True if the chain runs into a cycle.</summary>
    public bool HasCycle => CycleStart >= 0;

    /// <summary>Walks the chain from <paramref name="start"/>.</summary>
    /// <param name="start">The first task.</param>
    /// <returns>The captured chain.</returns>
    public static WaitChain Walk(SimTask start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var links = new List<WaitChainLink>();
        int linksMax = start.Simulator.Tasks.Count;
        SimTask task = start;
        for (int i = 0; i <= linksMax; i++)
        {
            int seen = IndexOfPid(links, task.Pid);
            if (seen >= 0)
            {
                return new WaitChain(links, seen);
            }
            SimTask? releaser = task.IsBlocked ? task.WaitingOn?.Releaser : null;
            links.Add(WaitChainLink.Capture(task, releaser));
            if (releaser is null)
            {
                break;
            }
            task = releaser;
        }
        Debug.Assert(links.Count <= linksMax, "a chain visits each task at most once");
        return new WaitChain(links, -1);
    }

    /// <summary>
    /// The chain as one line: clauses joined by <c>" -> "</c>; a cycle ends by naming the task it returned to.
    /// </summary>
    /// <returns>The text.</returns>
    public string Describe()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Links.Count; i++)
        {
            if (i > 0)
            {
                text.Append(" -> ");
            }
            text.Append(Links[i].Describe());
        }
        if (HasCycle)
        {
            text.Append(" -> ").Append(Links[CycleStart].TaskName);
        }
        return text.ToString();
    }

    /// <inheritdoc cref="Describe"/>
    public override string ToString() => Describe();

    private static int IndexOfPid(List<WaitChainLink> links, int pid)
    {
        for (int i = 0; i < links.Count; i++)
        {
            if (links[i].Pid == pid)
            {
                return i;
            }
        }
        return -1;
    }
}
