namespace MmSim.Mm.Migrate;

/// <summary>
/// A list of isolated folios by head PFN (the kernel's <c>struct list_head</c> of folios threaded
/// through folio->lru): what a scanner isolated, what migrate_pages still has to move, what failed
/// and must be put back. Reused across calls, so steady-state use allocates nothing.
/// </summary>
/// <remarks>An array window [head, head + Count): taking folios off the head (migrate_pages' batches)
/// moves the window instead of the folios, so cutting a long list into batches is linear.</remarks>
public sealed class MigrateList
{
    private int[] pfns;
    private int head;

    /// <summary>Creates an empty list.</summary>
    /// <param name="capacity">Initial capacity (COMPACT_CLUSTER_MAX is typical).</param>
    public MigrateList(int capacity = 32) => pfns = new int[Math.Max(capacity, 4)];

    /// <summary>Number of folios on the list.</summary>
    public int Count { get; private set; }

    /// <summary>The head PFN at <paramref name="i"/>, in list order.</summary>
    /// <param name="i">0 ≤ i &lt; <see cref="Count"/>.</param>
    public int this[int i] => (uint)i < (uint)Count ? pfns[head + i] : throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>Appends a folio at the tail (list_add_tail).</summary>
    /// <param name="pfn">Head PFN.</param>
    public void Add(int pfn)
    {
        EnsureTailRoom(1);
        pfns[head + Count++] = pfn;
    }

    /// <summary>Removes the folio at <paramref name="i"/>, keeping the order of the rest.</summary>
    /// <param name="i">0 ≤ i &lt; <see cref="Count"/>.</param>
    public void RemoveAt(int i)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(i));
        Array.Copy(pfns, head + i + 1, pfns, head + i, Count - i - 1);
        Count--;
    }

    /// <summary>Moves every folio of <paramref name="other"/> to the tail of this list (list_splice_tail_init).</summary>
    /// <param name="other">Emptied.</param>
    public void SpliceTail(MigrateList other)
    {
        ArgumentNullException.ThrowIfNull(other);
        EnsureTailRoom(other.Count);
        Array.Copy(other.pfns, other.head, pfns, head + Count, other.Count);
        Count += other.Count;
        other.Clear();
    }

    /// <summary>Replaces the folio at <paramref name="i"/> (used to filter a list in place while walking it).</summary>
    /// <param name="i">0 ≤ i &lt; <see cref="Count"/>.</param>
    /// <param name="pfn">Head PFN.</param>
    public void Set(int i, int pfn)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(i));
        pfns[head + i] = pfn;
    }

    /// <summary>Keeps the first <paramref name="count"/> folios and drops the rest.</summary>
    /// <param name="count">0 ≤ count ≤ <see cref="Count"/>.</param>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)Count, nameof(count));
        Count = count;
    }

    /// <summary>Moves the first <paramref name="count"/> folios of this list to the tail of <paramref name="dst"/> (list_cut_before + splice).</summary>
    /// <param name="dst">Receives them, in order.</param>
    /// <param name="count">0 ≤ count ≤ <see cref="Count"/>.</param>
    public void MoveHeadTo(MigrateList dst, int count)
    {
        ArgumentNullException.ThrowIfNull(dst);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)Count, nameof(count));
        dst.EnsureTailRoom(count);
        Array.Copy(pfns, head, dst.pfns, dst.head + dst.Count, count);
        dst.Count += count;
        head += count;
        Count -= count;
        if (Count == 0)
        {
            head = 0;
        }
    }

    /// <summary>Moves every folio of <paramref name="other"/> to the head of this list, in their order (list_splice).</summary>
    /// <param name="other">Emptied.</param>
    public void SpliceHead(MigrateList other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int n = other.Count;
        if (n == 0)
        {
            return;
        }

        if (head < n)
        {
            // Make room in front: move this list's folios up by n.
            EnsureTailRoom(n);
            Array.Copy(pfns, head, pfns, head + n, Count);
            head += n;
        }

        head -= n;
        Array.Copy(other.pfns, other.head, pfns, head, n);
        Count += n;
        other.Clear();
    }

    /// <summary>Empties the list (INIT_LIST_HEAD).</summary>
    public void Clear()
    {
        Count = 0;
        head = 0;
    }

    // Room for n more at the tail: first slide the window back to 0, then grow by doubling.
    private void EnsureTailRoom(int n)
    {
        if (head + Count + n <= pfns.Length)
        {
            return;
        }

        if (head > 0)
        {
            Array.Copy(pfns, head, pfns, 0, Count);
            head = 0;
        }

        if (Count + n > pfns.Length)
        {
            Array.Resize(ref pfns, Math.Max(Count + n, pfns.Length * 2));
        }
    }
}
