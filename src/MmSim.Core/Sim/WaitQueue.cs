using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>
/// A wait queue head: tasks sleep on it until another task or a callback wakes them, in FIFO order.
/// </summary>
/// <remarks>
/// <para>
/// include/linux/wait.h: wait_queue_head; kernel/sched/wait.c: __wake_up. Waiters are linked
/// through fields of <see cref="SimTask"/> (an intrusive list, like <c>wait_queue_entry</c>), so
/// sleeping and waking allocate nothing, and a timed-out waiter unlinks itself in O(1).
/// All waiters are exclusive-free: <see cref="WakeUpOne"/> wakes the first, <see cref="WakeUpAll"/> every one.
/// </para>
/// <para>
/// A queue may name its <see cref="Releaser"/>, the task expected to wake it (for a folio's
/// writeback wait, the FUSE server thread that will answer the write), which the hung-task and
/// deadlock detectors follow. <see cref="ReleaserFunc"/>, when set, is asked instead, for a
/// releaser that changes over time.
/// </para>
/// </remarks>
public sealed class WaitQueue : IWaitTarget
{
    private SimTask? head;
    private SimTask? tail;

    /// <summary>Creates an empty wait queue.</summary>
    /// <param name="name">What the queue stands for in reports, e.g. <c>"folio 0x1234 writeback"</c>.</param>
    public WaitQueue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    /// <summary>What the queue stands for in reports.</summary>
    public string Name { get; }

    /// <summary>Number of sleeping waiters.</summary>
    public int Count { get; private set; }

    /// <summary>The task expected to wake this queue, if known.</summary>
    public SimTask? Releaser
    {
        get => ReleaserFunc is null ? field : ReleaserFunc();
        set;
    }

    /// <summary>When set, computes <see cref="Releaser"/> on demand (it is asked only while building wait chains).</summary>
    public Func<SimTask?>? ReleaserFunc { get; set; }

    /// <summary>The first waiter, which <see cref="WakeUpOne"/> would wake; null if none.</summary>
    public SimTask? FirstWaiter => head;

    /// <inheritdoc/>
    public string Describe() => Name;

    /// <summary>Wakes the longest-waiting task.</summary>
    /// <returns>True if a task was woken.</returns>
    /// <remarks>kernel/sched/wait.c: __wake_up(wq, TASK_NORMAL, 1, NULL). The woken task runs at the current time,
    /// after events already due now.</remarks>
    public bool WakeUpOne()
    {
        SimTask? task = DequeueFirst();
        if (task is null)
        {
            return false;
        }
        task.Simulator.Wake(task);
        return true;
    }

    /// <summary>Wakes every waiter, oldest first.</summary>
    /// <returns>The number of tasks woken.</returns>
    /// <remarks>kernel/sched/wait.c: __wake_up(wq, TASK_NORMAL, 0, NULL). Cost O(waiters).</remarks>
    public int WakeUpAll()
    {
        int woken = 0;
        int limit = Count;
        while (head is not null)
        {
            // Waking only schedules resume events, so no waiter can re-queue here; the bound guards a corrupt list.
            if (woken == limit)
            {
                throw new InvalidOperationException($"Wait queue '{Name}' holds more waiters than its count.");
            }
            WakeUpOne();
            woken++;
        }
        Debug.Assert(Count == 0, "all waiters woken");
        return woken;
    }

    /// <summary>Wakes the waiters <paramref name="match"/> accepts, oldest first; the others sleep on, unswitched.</summary>
    /// <typeparam name="TKey">The wake key's type.</typeparam>
    /// <param name="match">The queue's wake function: whether a waiter's wait matches the key (a static lambda: no allocation).</param>
    /// <param name="key">The key.</param>
    /// <returns>The number of tasks woken.</returns>
    /// <remarks>kernel/sched/wait.c: __wake_up(wq, TASK_NORMAL, 0, key), with a wait entry's func deciding (mm/filemap.c:
    /// wake_page_function). Cost O(waiters).</remarks>
    public int WakeUpWhere<TKey>(Func<SimTask, TKey, bool> match, TKey key)
    {
        ArgumentNullException.ThrowIfNull(match);
        int woken = 0;
        int limit = Count;
        SimTask? task = head;
        for (int seen = 0; task is not null; seen++)
        {
            // Waking only schedules resume events, so no waiter can re-queue here; the bound guards a corrupt list.
            if (seen == limit)
            {
                throw new InvalidOperationException($"Wait queue '{Name}' holds more waiters than its count.");
            }

            SimTask? next = task.WqNext;
            if (match(task, key))
            {
                Remove(task);
                task.Simulator.Wake(task);
                woken++;
            }

            task = next;
        }

        return woken;
    }

    /// <summary>Links <paramref name="task"/> at the tail.</summary>
    internal void Enqueue(SimTask task)
    {
        Debug.Assert(task.WqHead is null, "a task sleeps on one queue at a time");
        Debug.Assert(task.WqNext is null && task.WqPrev is null, "unlinked task");
        task.WqHead = this;
        task.WqPrev = tail;
        if (tail is null)
        {
            head = task;
        }
        else
        {
            tail.WqNext = task;
        }
        tail = task;
        Count++;
    }

    /// <summary>Unlinks and returns the head, or null.</summary>
    internal SimTask? DequeueFirst()
    {
        SimTask? task = head;
        if (task is not null)
        {
            Remove(task);
        }
        return task;
    }

    /// <summary>Unlinks <paramref name="task"/> from anywhere in the queue (timeout, direct wake-up).</summary>
    internal void Remove(SimTask task)
    {
        Debug.Assert(ReferenceEquals(task.WqHead, this), "task is on this queue");
        Debug.Assert(Count > 0, "non-empty queue");
        if (task.WqPrev is null)
        {
            head = task.WqNext;
        }
        else
        {
            task.WqPrev.WqNext = task.WqNext;
        }
        if (task.WqNext is null)
        {
            tail = task.WqPrev;
        }
        else
        {
            task.WqNext.WqPrev = task.WqPrev;
        }
        task.WqHead = null;
        task.WqNext = null;
        task.WqPrev = null;
        Count--;
    }
}
