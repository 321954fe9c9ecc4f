namespace MmSim.Mm;

/// <summary>
/// The blocks a workload holds: PFN (or, for blocks that can migrate, the holder's handle of them)
/// and order per slot in two arrays, removal by swapping with the last slot, so choosing a random live
/// block is O(1) and nothing is allocated per operation.
/// </summary>
internal sealed class LiveBlocks
{
    private int[] pfns;
    private byte[] orders;

    public LiveBlocks(int capacity)
    {
        pfns = new int[Math.Max(16, capacity)];
        orders = new byte[pfns.Length];
    }

    public int Count { get; private set; }

    /// <summary>Pages held by all live blocks.</summary>
    public long Pages { get; private set; }

    public void Add(int pfn, int order)
    {
        if (Count == pfns.Length)
        {
            Array.Resize(ref pfns, pfns.Length * 2);
            Array.Resize(ref orders, orders.Length * 2);
        }

        pfns[Count] = pfn;
        orders[Count] = (byte)order;
        Count++;
        Pages += 1L << order;
    }

    public (int Pfn, int Order) this[int slot] => (pfns[slot], orders[slot]);

    public (int Pfn, int Order) PeekLast() => (pfns[Count - 1], orders[Count - 1]);

    public void Clear()
    {
        Count = 0;
        Pages = 0;
    }

    public (int Pfn, int Order) RemoveAt(int slot)
    {
        (int pfn, int order) = (pfns[slot], orders[slot]);
        Count--;
        pfns[slot] = pfns[Count];
        orders[slot] = orders[Count];
        Pages -= 1L << order;
        return (pfn, order);
    }
}
