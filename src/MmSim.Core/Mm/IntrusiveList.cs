using System.Runtime.CompilerServices;

namespace MmSim.Mm;

/// <summary>
/// Doubly linked lists threaded through <see cref="PageFrame.Next"/>/<see cref="PageFrame.Prev"/>,
/// with heads and tails kept in plain arrays: the kernel's <c>list_head</c> embedded in struct page.
/// </summary>
/// <remarks>
/// include/linux/list.h: list_add (head), list_add_tail, list_del. One page is on one list at a
/// time (buddy free list, pcp list or LRU), as <c>page-&gt;lru</c>/<c>buddy_list</c>/<c>pcp_list</c>
/// share storage in the kernel. No allocation; every operation is O(1).
/// </remarks>
public static class IntrusiveList
{
    /// <summary>list_add: inserts <paramref name="pfn"/> at the head of list <paramref name="list"/>.</summary>
    /// <param name="pages">The memory map.</param>
    /// <param name="heads">Head PFN per list (-1 when empty).</param>
    /// <param name="tails">Tail PFN per list (-1 when empty).</param>
    /// <param name="list">List index.</param>
    /// <param name="pfn">Page to insert; must not be on a list.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddHead(PageFrame[] pages, int[] heads, int[] tails, int list, int pfn)
    {
        int old = heads[list];
        ref PageFrame p = ref pages[pfn];
        p.Prev = -1;
        p.Next = old;
        if (old >= 0)
        {
            pages[old].Prev = pfn;
        }
        else
        {
            tails[list] = pfn;
        }

        heads[list] = pfn;
    }

    /// <summary>list_add_tail: inserts <paramref name="pfn"/> at the tail of list <paramref name="list"/>.</summary>
    /// <param name="pages">The memory map.</param>
    /// <param name="heads">Head PFN per list (-1 when empty).</param>
    /// <param name="tails">Tail PFN per list (-1 when empty).</param>
    /// <param name="list">List index.</param>
    /// <param name="pfn">Page to insert; must not be on a list.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddTail(PageFrame[] pages, int[] heads, int[] tails, int list, int pfn)
    {
        int old = tails[list];
        ref PageFrame p = ref pages[pfn];
        p.Next = -1;
        p.Prev = old;
        if (old >= 0)
        {
            pages[old].Next = pfn;
        }
        else
        {
            heads[list] = pfn;
        }

        tails[list] = pfn;
    }

    /// <summary>list_del: unlinks <paramref name="pfn"/> from list <paramref name="list"/>.</summary>
    /// <param name="pages">The memory map.</param>
    /// <param name="heads">Head PFN per list.</param>
    /// <param name="tails">Tail PFN per list.</param>
    /// <param name="list">List index the page is on.</param>
    /// <param name="pfn">Page to remove.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Remove(PageFrame[] pages, int[] heads, int[] tails, int list, int pfn)
    {
        ref PageFrame p = ref pages[pfn];
        int next = p.Next;
        int prev = p.Prev;
        if (prev >= 0)
        {
            pages[prev].Next = next;
        }
        else
        {
            heads[list] = next;
        }

        if (next >= 0)
        {
            pages[next].Prev = prev;
        }
        else
        {
            tails[list] = prev;
        }

        p.Next = -1;
        p.Prev = -1;
    }
}
