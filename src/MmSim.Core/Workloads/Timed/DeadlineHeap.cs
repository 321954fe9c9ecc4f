namespace MmSim.Workloads.Timed;

/// <summary>
/// Blocks ordered by (deadline, insertion sequence): a binary min-heap of 24-byte structs in one
/// array, so the per-event expiry bookkeeping of a kmem churn costs a few compares of two longs.
/// </summary>
/// <remarks>
/// Replaces <c>PriorityQueue&lt;(int, int), (long, long)&gt;</c>, whose generic tuple comparison took
/// about 40 % of a slab workload's time. Keys are unique (the sequence grows), so every correct heap
/// pops the same order: results do not change.
/// </remarks>
internal sealed class DeadlineHeap
{
    private Entry[] heap = new Entry[64];

    /// <summary>Blocks held.</summary>
    public int Count { get; private set; }

    /// <summary>The earliest deadline, when any block is held.</summary>
    public bool TryPeekDeadline(out long deadlineNs)
    {
        deadlineNs = Count > 0 ? heap[0].DeadlineNs : 0;
        return Count > 0;
    }

    /// <summary>Adds a block.</summary>
    public void Push(long deadlineNs, long seq, int pfn, int order)
    {
        if (Count == heap.Length)
        {
            Array.Resize(ref heap, heap.Length * 2);
        }

        var e = new Entry(deadlineNs, seq, pfn, order);
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(e, heap[parent]))
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = e;
    }

    /// <summary>Removes the block with the earliest (deadline, seq).</summary>
    public (int Pfn, int Order) Pop()
    {
        Entry top = heap[0];
        Entry last = heap[--Count];
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && Less(heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!Less(heap[child], last))
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        if (Count > 0)
        {
            heap[i] = last;
        }

        return (top.Pfn, top.Order);
    }

    private static bool Less(in Entry a, in Entry b) =>
        a.DeadlineNs < b.DeadlineNs || (a.DeadlineNs == b.DeadlineNs && a.Seq < b.Seq);

    private readonly record struct Entry(long DeadlineNs, long Seq, int Pfn, int Order);
}
