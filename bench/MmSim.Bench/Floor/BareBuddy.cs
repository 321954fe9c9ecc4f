namespace MmSim.Bench.Floor;

/// <summary>
/// A minimal buddy allocator — one free list per order, no migratetypes, no counters, no pcp — as
/// the speed floor the full model is compared against in the same benchmark run (ratios survive a
/// noisy machine; absolute nanoseconds do not).
/// </summary>
internal sealed class BareBuddy
{
    private const int MaxOrder = 10;
    private readonly int[] next;
    private readonly int[] prev;
    private readonly sbyte[] freeOrder;
    private readonly int[] head = new int[MaxOrder + 1];

    public BareBuddy(int pages)
    {
        next = new int[pages];
        prev = new int[pages];
        freeOrder = new sbyte[pages];
        Array.Fill(freeOrder, (sbyte)-1);
        Array.Fill(head, -1);
        for (int pfn = 0; pfn + (1 << MaxOrder) <= pages; pfn += 1 << MaxOrder)
        {
            Push(pfn, MaxOrder);
        }
    }

    public int Alloc(int order)
    {
        int o = order;
        while (o <= MaxOrder && head[o] < 0)
        {
            o++;
        }

        if (o > MaxOrder)
        {
            return -1;
        }

        int pfn = head[o];
        Unlink(pfn, o);
        while (o > order)
        {
            o--;
            Push(pfn + (1 << o), o);
        }

        return pfn;
    }

    public void Free(int pfn, int order)
    {
        while (order < MaxOrder)
        {
            int buddy = pfn ^ (1 << order);
            if (buddy >= freeOrder.Length || freeOrder[buddy] != order)
            {
                break;
            }

            Unlink(buddy, order);
            pfn &= buddy;
            order++;
        }

        Push(pfn, order);
    }

    private void Push(int pfn, int order)
    {
        freeOrder[pfn] = (sbyte)order;
        prev[pfn] = -1;
        next[pfn] = head[order];
        if (head[order] >= 0)
        {
            prev[head[order]] = pfn;
        }

        head[order] = pfn;
    }

    private void Unlink(int pfn, int order)
    {
        freeOrder[pfn] = -1;
        if (prev[pfn] >= 0)
        {
            next[prev[pfn]] = next[pfn];
        }
        else
        {
            head[order] = next[pfn];
        }

        if (next[pfn] >= 0)
        {
            prev[next[pfn]] = prev[pfn];
        }
    }
}
