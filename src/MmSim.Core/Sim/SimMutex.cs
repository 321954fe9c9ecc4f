using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>
/// A sleeping lock with an owner; contended acquisition sleeps in D state and <see cref="Unlock"/>
/// hands the lock to the longest waiter.
/// </summary>
/// <remarks>
/// kernel/locking/mutex.c: mutex_lock, mutex_trylock, mutex_unlock. Direct FIFO hand-over (the
/// kernel's MUTEX_FLAG_HANDOFF case) keeps the order deterministic; optimistic spinning is not
/// modelled. The mutex's <see cref="Releaser"/> is its <see cref="Owner"/>, which is how the
/// deadlock detector follows lock cycles.
/// </remarks>
public sealed class SimMutex : IWaitTarget
{
    private readonly WaitQueue waiters;

    /// <summary>Creates an unlocked mutex.</summary>
    /// <param name="name">The lock's name in reports, e.g. <c>"fc-&gt;lock"</c>.</param>
    public SimMutex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        waiters = new WaitQueue(name);
    }

    /// <summary>The lock's name in reports.</summary>
    public string Name { get; }

    /// <summary>The task holding the lock, or null when unlocked.</summary>
    public SimTask? Owner { get; private set; }

    /// <summary>Tasks sleeping in <see cref="Wait.Lock"/>.</summary>
    public int WaiterCount => waiters.Count;

    /// <inheritdoc/>
    public SimTask? Releaser => Owner;

    /// <inheritdoc/>
    public string Describe() => "mutex " + Name;

    /// <summary>Takes the lock for <paramref name="task"/> if it is free (<c>mutex_trylock</c>).</summary>
    /// <param name="task">The acquiring task, normally <see cref="Simulator.Current"/>.</param>
    /// <returns>True if <paramref name="task"/> now owns the lock.</returns>
    public bool TryLock(SimTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (Owner is not null)
        {
            return false;
        }
        Owner = task;
        return true;
    }

    /// <summary>Releases the lock held by the current task and hands it to the first waiter, if any.</summary>
    /// <exception cref="InvalidOperationException">The lock is free, or the caller is not the owner.</exception>
    /// <remarks>kernel/locking/mutex.c: __mutex_unlock_slowpath. The new owner resumes at the current time.</remarks>
    public void Unlock()
    {
        SimTask owner = Owner ?? throw new InvalidOperationException($"mutex_unlock of unlocked mutex '{Name}'.");
        if (!ReferenceEquals(owner.Simulator.Current, owner))
        {
            throw new InvalidOperationException(
                $"mutex '{Name}' is owned by {owner} but unlocked from {owner.Simulator.Current?.ToString() ?? "a callback"}.");
        }
        SimTask? next = waiters.DequeueFirst();
        Owner = next;
        if (next is not null)
        {
            next.Simulator.Wake(next);
        }
        Debug.Assert(!ReferenceEquals(Owner, owner), "the lock left its previous owner");
    }

    /// <summary>The queue the engine sleeps contending tasks on.</summary>
    internal WaitQueue Waiters => waiters;
}
