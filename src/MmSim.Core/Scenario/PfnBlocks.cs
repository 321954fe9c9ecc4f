using System.Globalization;
using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>
/// The buddy blocks a buddy-level op script (or the trace it is imported from) holds at a point of the file: taken by
/// <c>alloc_pfn</c>, not yet returned by <c>free_pfn</c>. Lets the parser refuse a free of a block nothing took and the
/// importer count such trace lines, with the same rules as the replay (<see cref="Mm.PageAlloc.PageAllocator.FreeBlockAtPfn"/>):
/// a free may name a piece of a larger taken block, which is then split into pieces of the freed order.
/// </summary>
internal sealed class PfnBlocks
{
    // Head PFN → (order, line that took it). Heads are aligned to their order.
    private readonly Dictionary<int, (byte Order, int Line)> held = [];

    /// <summary>Number of blocks held.</summary>
    public int Count => held.Count;

    /// <summary>Parses a PFN written in decimal or 0x-hex, below 2^31 (mmsim PFNs are ints).</summary>
    public static bool TryParsePfn(string text, out int pfn)
    {
        pfn = -1;
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long v)
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok || v < 0 || v > int.MaxValue || (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length == 2))
        {
            return false;
        }

        pfn = (int)v;
        return true;
    }

    /// <summary>A held block that overlaps the 2^order block at pfn, or null.</summary>
    public (int Pfn, int Order, int Line)? Overlapping(int pfn, int order)
    {
        // A held block containing pfn: its head is pfn aligned down to some order o ≤ its own.
        for (int o = 0; o < MmConstants.NrPageOrders; o++)
        {
            int head = pfn & ~((1 << o) - 1);
            if (held.TryGetValue(head, out var b) && b.Order >= o)
            {
                return (head, b.Order, b.Line);
            }
        }

        // A smaller held block inside the range.
        for (int p = pfn + 1; p < pfn + (1 << order); p++)
        {
            if (held.TryGetValue(p, out var b))
            {
                return (p, b.Order, b.Line);
            }
        }

        return null;
    }

    /// <summary>Records a taken block.</summary>
    public void Take(int pfn, int order, int line) => held[pfn] = ((byte)order, line);

    /// <summary>Returns a held block, or a piece of one (splitting it into pieces of that order).</summary>
    /// <returns>False when no held block holds it.</returns>
    public bool Release(int pfn, int order)
    {
        for (int o = order; o < MmConstants.NrPageOrders; o++)
        {
            int head = pfn & ~((1 << o) - 1);
            if (!held.TryGetValue(head, out var b) || b.Order != o)
            {
                continue;
            }

            held.Remove(head);
            for (int p = head; p < head + (1 << o); p += 1 << order)
            {
                if (p != pfn)
                {
                    held[p] = ((byte)order, b.Line);
                }
            }

            return true;
        }

        return false;
    }
}
