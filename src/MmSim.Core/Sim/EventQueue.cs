using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>
/// The future event list: a 4-ary min-heap of <see cref="SimEvent"/> values ordered by (time, seq).
/// </summary>
/// <remarks>
/// <para>
/// Ties in time fire in insertion order because every event gets the next value of a
/// monotonically increasing sequence counter (SimSharp's <c>InsertionIndex</c>); a bare
/// <see cref="PriorityQueue{TElement, TPriority}"/> would not be stable.
/// </para>
/// <para>
/// Layout and sifting follow <c>System.Collections.Generic.PriorityQueue</c>: one array of structs,
/// no per-event object, a "hole" moved down or up instead of swapping at each level. Four children
/// per node halve the depth of a binary heap, and the four children share a cache line.
/// The array grows by doubling and never shrinks. Enqueue and dequeue are O(log₄ n).
/// </para>
/// </remarks>
internal sealed class EventQueue
{
    private const int Log2Arity = 2;
    private const int Arity = 1 << Log2Arity;
    private const int InitialCapacity = 256;

    private SimEvent[] heap = new SimEvent[InitialCapacity];
    private int count;
    private long nextSeq;

    /// <summary>Number of pending events.</summary>
    internal int Count => count;

    /// <summary>Sequence number the next enqueued event will get (= events ever enqueued).</summary>
    internal long NextSeq => nextSeq;

    /// <summary>Adds an event; it gets the next sequence number.</summary>
    /// <param name="timeNs">When it fires, ≥ 0.</param>
    /// <param name="target">Task index or complemented callback slot.</param>
    /// <param name="token">Generation to check when it fires.</param>
    internal void Enqueue(long timeNs, int target, int token)
    {
        if (count == heap.Length)
        {
            Array.Resize(ref heap, heap.Length * 2);
        }
        var ev = new SimEvent(timeNs, nextSeq++, target, token);
        SiftUp(count++, ev);
        Debug.Assert(count <= heap.Length, "heap within capacity");
    }

    /// <summary>Time of the earliest event.</summary>
    /// <param name="timeNs">The time, if any.</param>
    /// <returns>False when the queue is empty.</returns>
    internal bool TryPeekTime(out long timeNs)
    {
        if (count == 0)
        {
            timeNs = 0;
            return false;
        }
        timeNs = heap[0].TimeNs;
        return true;
    }

    /// <summary>Removes and returns the earliest event.</summary>
    /// <returns>The event with the smallest (time, seq).</returns>
    /// <exception cref="InvalidOperationException">The queue is empty.</exception>
    internal SimEvent Dequeue()
    {
        if (count == 0)
        {
            throw new InvalidOperationException("The event queue is empty.");
        }
        SimEvent first = heap[0];
        int last = --count;
        if (last > 0)
        {
            SiftDown(0, heap[last]);
        }
        return first;
    }

    /// <summary>
    /// Verifies the heap property over the whole array (every parent precedes its children, all
    /// sequence numbers are below <see cref="NextSeq"/>). O(n); for tests only.
    /// </summary>
    /// <returns>True if the heap is well formed.</returns>
    internal bool IsValid()
    {
        for (int i = 0; i < count; i++)
        {
            if (heap[i].Seq >= nextSeq)
            {
                return false;
            }
            if (i > 0 && heap[i].Precedes(heap[(i - 1) >> Log2Arity]))
            {
                return false;
            }
        }
        return true;
    }

    private void SiftUp(int hole, SimEvent ev)
    {
        Debug.Assert(hole >= 0 && hole < heap.Length, "hole index in range");
        SimEvent[] h = heap;
        while (hole > 0)
        {
            int parent = (hole - 1) >> Log2Arity;
            if (!ev.Precedes(h[parent]))
            {
                break;
            }
            h[hole] = h[parent];
            hole = parent;
        }
        h[hole] = ev;
    }

    private void SiftDown(int hole, SimEvent ev)
    {
        Debug.Assert(hole >= 0 && hole < count, "hole index in range");
        SimEvent[] h = heap;
        int n = count;
        int firstChild;
        while ((firstChild = (hole << Log2Arity) + 1) < n)
        {
            int best = firstChild;
            int end = Math.Min(firstChild + Arity, n);
            for (int c = firstChild + 1; c < end; c++)
            {
                if (h[c].Precedes(h[best]))
                {
                    best = c;
                }
            }
            if (!h[best].Precedes(ev))
            {
                break;
            }
            h[hole] = h[best];
            hole = best;
        }
        h[hole] = ev;
    }
}
