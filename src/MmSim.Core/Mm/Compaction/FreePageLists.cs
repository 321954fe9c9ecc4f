namespace MmSim.Mm.Compaction;

/// <summary>
/// The free blocks a compaction run isolated as migration targets, one list per order
/// (cc-&gt;freepages[NR_PAGE_ORDERS]): the free scanner appends at the tail, compaction_alloc takes
/// the head and puts split-off halves back at the head, compaction_free puts unused targets at the
/// head. Each list is a ring buffer reused across runs, so steady use allocates nothing.
/// </summary>
/// <remarks>mm/compaction.c: the freepages lists of struct compact_control. Blocks here are neither
/// free (no PageBuddy, not counted in NR_FREE_PAGES) nor allocated: the checker counts them through
/// <see cref="ICompact.IsolatedFreeBlocks"/>.</remarks>
public sealed class FreePageLists
{
    private readonly int[][] ring = new int[MmConstants.NrPageOrders][];
    private readonly int[] head = new int[MmConstants.NrPageOrders];
    private readonly int[] count = new int[MmConstants.NrPageOrders];

    /// <summary>Creates empty lists.</summary>
    public FreePageLists()
    {
        for (int o = 0; o < ring.Length; o++)
        {
            ring[o] = new int[16];
        }
    }

    /// <summary>Blocks on the list of <paramref name="order"/>.</summary>
    /// <param name="order">The order.</param>
    /// <returns>The count.</returns>
    public int Count(int order) => count[order];

    /// <summary>The block at position <paramref name="i"/> of the list of <paramref name="order"/>, head first.</summary>
    /// <param name="order">The order.</param>
    /// <param name="i">0 ≤ i &lt; <see cref="Count"/>.</param>
    /// <returns>Its PFN.</returns>
    public int At(int order, int i)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)count[order], nameof(i));
        int[] r = ring[order];
        return r[(head[order] + i) & (r.Length - 1)];
    }

    /// <summary>list_add_tail.</summary>
    /// <param name="order">The block's order.</param>
    /// <param name="pfn">Its first PFN.</param>
    public void AddTail(int order, int pfn)
    {
        Grow(order);
        int[] r = ring[order];
        r[(head[order] + count[order]) & (r.Length - 1)] = pfn;
        count[order]++;
    }

    /// <summary>list_add (at the head).</summary>
    /// <param name="order">The block's order.</param>
    /// <param name="pfn">Its first PFN.</param>
    public void AddHead(int order, int pfn)
    {
        Grow(order);
        int[] r = ring[order];
        head[order] = (head[order] - 1) & (r.Length - 1);
        r[head[order]] = pfn;
        count[order]++;
    }

    /// <summary>list_first_entry + list_del.</summary>
    /// <param name="order">The order; the list must not be empty.</param>
    /// <returns>The PFN taken.</returns>
    public int TakeHead(int order)
    {
        if (count[order] == 0)
        {
            throw new InvalidOperationException($"freepages[{order}] is empty");
        }

        int[] r = ring[order];
        int pfn = r[head[order]];
        head[order] = (head[order] + 1) & (r.Length - 1);
        count[order]--;
        return pfn;
    }

    /// <summary>Empties every list (INIT_LIST_HEAD), without releasing the blocks.</summary>
    public void Clear()
    {
        Array.Clear(head);
        Array.Clear(count);
    }

    private void Grow(int order)
    {
        int[] r = ring[order];
        if (count[order] < r.Length)
        {
            return;
        }

        var bigger = new int[r.Length * 2];
        for (int i = 0; i < count[order]; i++)
        {
            bigger[i] = r[(head[order] + i) & (r.Length - 1)];
        }

        ring[order] = bigger;
        head[order] = 0;
    }
}
