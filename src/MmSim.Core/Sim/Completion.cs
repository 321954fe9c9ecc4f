using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>
/// A completion: a counted "done" event that tasks wait for with <see cref="Wait.ForCompletion"/>.
/// </summary>
/// <remarks>
/// kernel/sched/completion.c: complete, complete_all, wait_for_common; include/linux/completion.h.
/// <see cref="Complete"/> hands its single "done" straight to the first waiter if there is one, so
/// no other task can take it between the wake-up and the waiter's resumption (the kernel gets the
/// same effect by re-checking <c>x-&gt;done</c> under the wait-queue lock).
/// </remarks>
public sealed class Completion : IWaitTarget
{
    // complete_all() sets done to UINT_MAX; any value this large is never decremented.
    private const long DoneAll = long.MaxValue;

    private readonly WaitQueue waiters;
    private long done;

    /// <summary>Creates a completion that is not done (<c>init_completion</c>).</summary>
    /// <param name="name">What it stands for in reports, e.g. <c>"fuse request 42 reply"</c>.</param>
    public Completion(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        waiters = new WaitQueue(name);
    }

    /// <summary>What the completion stands for in reports.</summary>
    public string Name { get; }

    /// <summary>True if a wait would not block (<c>completion_done</c>).</summary>
    public bool IsDone => done > 0;

    /// <summary>Number of sleeping waiters.</summary>
    public int WaiterCount => waiters.Count;

    /// <summary>The task expected to complete this, if known.</summary>
    public SimTask? Releaser { get; set; }

    /// <inheritdoc/>
    public string Describe() => "completion " + Name;

    /// <summary>Signals one waiter, or banks one "done" if nobody waits (<c>complete</c>).</summary>
    public void Complete()
    {
        if (done == DoneAll)
        {
            return;
        }
        SimTask? waiter = waiters.DequeueFirst();
        if (waiter is null)
        {
            done++;
            return;
        }
        waiter.Simulator.Wake(waiter);
    }

    /// <summary>Marks the completion permanently done and wakes every waiter (<c>complete_all</c>).</summary>
    public void CompleteAll()
    {
        done = DoneAll;
        waiters.WakeUpAll();
        Debug.Assert(waiters.Count == 0, "complete_all leaves no waiter");
    }

    /// <summary>Resets to not done, e.g. before reusing it for the next request (<c>reinit_completion</c>).</summary>
    /// <exception cref="InvalidOperationException">Tasks are still waiting.</exception>
    public void Reinit()
    {
        if (waiters.Count != 0)
        {
            throw new InvalidOperationException($"reinit_completion on '{Name}' with {waiters.Count} waiters.");
        }
        done = 0;
    }

    /// <summary>Takes one "done" if available (the fast path of <c>wait_for_common</c>).</summary>
    internal bool TryConsume()
    {
        if (done == 0)
        {
            return false;
        }
        if (done != DoneAll)
        {
            done--;
        }
        return true;
    }

    /// <summary>The queue the engine sleeps waiters on.</summary>
    internal WaitQueue Waiters => waiters;
}
