namespace MmSim.Mm.Migrate;

/// <summary>
/// A list of isolated folios by head PFN (the kernel's <c>struct list_head</c> of folios threaded
/// through folio->lru): what a scanner isolated, what migrate_pages still has to move, what failed
/// and must be put back. Reused across calls, so steady-state use allocates nothing.
/// </summary>
public sealed class MigrateList
{
    private int[] pfns;

    /// <summary>Creates an empty list.</summary>
    /// <param name="capacity">Initial capacity (COMPACT_CLUSTER_MAX is typical).</param>
    public MigrateList(int capacity = 32) => pfns = new int[Math.Max(capacity, 4)];

    /// <summary>Number of folios on the list.</summary>
    public int Count { get; private set; }

    /// <summary>The head PFN at <paramref name="i"/>, in list order.</summary>
    /// <param name="i">0 ≤ i &lt; <see cref="Count"/>.</param>
    public int this[int i] => (uint)i < (uint)Count ? pfns[i] : throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>Appends a folio at the tail (list_add_tail).</summary>
    /// <param name="pfn">Head PFN.</param>
    public void Add(int pfn)
    {
        if (Count == pfns.Length)
        {
            Array.Resize(ref pfns, pfns.Length * 2);
        }

        pfns[Count++] = pfn;
    }

    /// <summary>Removes the folio at <paramref name="i"/>, keeping the order of the rest.</summary>
    /// <param name="i">0 ≤ i &lt; <see cref="Count"/>.</param>
    public void RemoveAt(int i)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(i));
        Array.Copy(pfns, i + 1, pfns, i, Count - i - 1);
        Count--;
    }

    /// <summary>Moves every folio of <paramref name="other"/> to the tail of this list (list_splice_tail_init).</summary>
    /// <param name="other">Emptied.</param>
    public void SpliceTail(MigrateList other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < other.Count; i++)
        {
            Add(other.pfns[i]);
        }

        other.Clear();
    }

    /// <summary>Replaces the folio at <paramref name="i"/> (used to filter a list in place while walking it).</summary>
    /// <param name="i">0 ≤ i &lt; <see cref="Count"/>.</param>
    /// <param name="pfn">Head PFN.</param>
    public void Set(int i, int pfn)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(i));
        pfns[i] = pfn;
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
        for (int i = 0; i < count; i++)
        {
            dst.Add(pfns[i]);
        }

        Array.Copy(pfns, count, pfns, 0, Count - count);
        Count -= count;
    }

    /// <summary>Moves every folio of <paramref name="other"/> to the head of this list, in their order (list_splice).</summary>
    /// <param name="other">Emptied.</param>
    public void SpliceHead(MigrateList other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        int n = other.Count;
        while (Count + n > pfns.Length)
        {
            Array.Resize(ref pfns, pfns.Length * 2);
        }

        Array.Copy(pfns, 0, pfns, n, Count);
        Array.Copy(other.pfns, 0, pfns, 0, n);
        Count += n;
        other.Clear();
    }

    /// <summary>Empties the list (INIT_LIST_HEAD).</summary>
    public void Clear() => Count = 0;
}
