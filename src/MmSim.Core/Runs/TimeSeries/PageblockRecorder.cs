using MmSim.Mm;
using MmSim.Mm.PageAlloc;

namespace MmSim.Runs.TimeSeries;

/// <summary>
/// Snapshots every pageblock of the node at a time-series sample (issue 10, the pageblock map): its zone, first PFN,
/// migratetype, allocated pages and <see cref="PageblockMarks"/>. <see cref="TimeSeriesWriter"/> writes the rows as
/// <c>pageblocks.parquet</c> (docs/results.md).
/// </summary>
/// <remarks>
/// A snapshot walks the heads of the node's blocks once: O(pages) at worst, no allocation but the rows themselves.
/// Rows are pageblocks × snapshots, so a machine of more than <see cref="SubsampleAbovePageblocks"/> pageblocks keeps
/// only every k-th sample (k = ⌈pageblocks × planned samples / <see cref="RowBudget"/>⌉) and always the last, which
/// holds the rows near <see cref="RowBudget"/> and skips the walk on the other samples.
/// </remarks>
public sealed class PageblockRecorder
{
    /// <summary>Machines with at most this many pageblocks are snapshotted at every sample.</summary>
    public const int SubsampleAbovePageblocks = 65536;

    /// <summary>The rows a subsampled run aims to stay under.</summary>
    public const long RowBudget = 4_000_000;

    private const int MaxOrderNrPages = 1 << MmConstants.MaxPageOrder;

    private readonly PgData node;
    private readonly int pageblocks;
    private int stride = 1;
    private int offered;

    /// <summary>Creates an empty recorder for <paramref name="node"/>.</summary>
    /// <param name="node">The node whose pageblocks are snapshotted.</param>
    public PageblockRecorder(PgData node)
    {
        ArgumentNullException.ThrowIfNull(node);
        this.node = node;
        foreach (Zone zone in node.Zones)
        {
            pageblocks += CountBlocks(node, zone);
        }
    }

    /// <summary>Pageblocks per snapshot: every block of every zone that spans memory, the same in every snapshot.</summary>
    public int Pageblocks => pageblocks;

    /// <summary>Snapshots taken.</summary>
    public int Snapshots { get; private set; }

    /// <summary>One snapshot per this many samples (1 unless the machine has more than <see cref="SubsampleAbovePageblocks"/> pageblocks).</summary>
    public int Stride => stride;

    /// <summary>time_ns of every row.</summary>
    internal List<long> TimeNs { get; } = [];

    /// <summary>Zone name of every row (the zone's own string, not a copy).</summary>
    internal List<string> ZoneNames { get; } = [];

    /// <summary>First PFN of every row's block.</summary>
    internal List<long> Pfns { get; } = [];

    /// <summary>Migratetype of every row's block (get_pfnblock_migratetype: isolated blocks are Isolate).</summary>
    internal List<byte> Migratetypes { get; } = [];

    /// <summary>Allocated pages of every row's block.</summary>
    internal List<int> UsedPages { get; } = [];

    /// <summary><see cref="PageblockMarks"/> of every row's block.</summary>
    internal List<int> Marks { get; } = [];

    /// <summary>Sets the stride from the samples the run will take; call before the second sample.</summary>
    /// <param name="plannedSamples">Samples the run takes in all.</param>
    public void Plan(long plannedSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plannedSamples);
        stride = StrideFor(pageblocks, plannedSamples);
    }

    /// <summary>The subsampling stride: 1 up to <see cref="SubsampleAbovePageblocks"/> pageblocks, else ⌈pageblocks × planned / <see cref="RowBudget"/>⌉.</summary>
    /// <param name="pageblocks">Pageblocks per snapshot.</param>
    /// <param name="plannedSamples">Samples the run takes.</param>
    /// <returns>Keep one sample in this many (plus the last).</returns>
    internal static int StrideFor(long pageblocks, long plannedSamples) =>
        pageblocks <= SubsampleAbovePageblocks ? 1 : (int)Math.Max(1, ((pageblocks * plannedSamples) + RowBudget - 1) / RowBudget);

    /// <summary>Offers a sample: snapshots it when it falls on the stride, or when <paramref name="last"/>.</summary>
    /// <param name="timeNs">Simulated time of the sample.</param>
    /// <param name="last">The run's last sample (always kept, so the file ends where summary.json does).</param>
    public void Offer(long timeNs, bool last)
    {
        bool take = last || offered % stride == 0;
        offered++;
        if (take)
        {
            Snapshot(timeNs);
        }
    }

    /// <summary>Records every pageblock now.</summary>
    /// <param name="timeNs">Simulated time of the snapshot.</param>
    public void Snapshot(long timeNs)
    {
        // Every zone that spans memory, populated or not: offlining can empty a zone (ZONE_MOVABLE), and the map
        // keeps its blocks, marked offline, so every snapshot has the same blocks.
        foreach (Zone zone in node.Zones)
        {
            string name = zone.Name;
            for (int pfn = zone.ZoneStartPfn; pfn < zone.ZoneEndPfn; pfn += MmConstants.PageblockNrPages)
            {
                if (!node.PfnValid(pfn) || node.PageZone(pfn) != zone)
                {
                    continue;
                }

                int end = Math.Min(pfn + MmConstants.PageblockNrPages, zone.ZoneEndPfn);
                int used = WalkBlock(node.Pages, pfn, end, out int marks);
                if (!node.PageblockOnline(pfn))
                {
                    marks |= (int)PageblockMarks.Offline;
                }

                TimeNs.Add(timeNs);
                ZoneNames.Add(name);
                Pfns.Add(pfn);
                Migratetypes.Add((byte)node.PageblockMigratetype(pfn));
                UsedPages.Add(used);
                Marks.Add(marks);
            }
        }

        Snapshots++;
    }

    // Allocated pages of [start, end) and the marks of their allocations. Per-page state lives on heads: free
    // buddies and allocations are skipped whole; only an order-10 allocation (two pageblocks) can cover the
    // block start from below.
    private static int WalkBlock(PageFrame[] pages, int start, int end, out int marks)
    {
        marks = 0;
        int used = 0;
        int p = start;
        int below = start & ~(MaxOrderNrPages - 1);
        if (below != start && pages[below].Has(PageFlags.Allocated) && below + (1 << pages[below].Order) > start)
        {
            p = Math.Min(below + (1 << pages[below].Order), end);
            used += p - start;
            marks |= MarksOf(in pages[below]);
        }

        // One read of the packed flags per head; the order is its low four bits (PageFrame.Order).
        while (p < end)
        {
            ref PageFrame page = ref pages[p];
            uint f = page.Flags;
            if ((f & (uint)PageFlags.Buddy) != 0)
            {
                p += 1 << (int)(f & 0xF);
                continue;
            }

            if ((f & (uint)PageFlags.Allocated) != 0)
            {
                int next = Math.Min(p + (1 << (int)(f & 0xF)), end);
                used += next - p;
                marks |= MarksOf(in page);
                p = next;
                continue;
            }

            p++;
        }

        return used;
    }

    private static int MarksOf(in PageFrame head)
    {
        uint f = head.Flags;
        int m = head.AllocMt == (byte)MigrateType.Unmovable ? (int)PageblockMarks.Unmovable : 0;
        m |= (f & (uint)PageFlags.Pinned) != 0 ? (int)PageblockMarks.Pinned : 0;
        m |= (f & (uint)PageFlags.Writeback) != 0 ? (int)PageblockMarks.Writeback : 0;
        return m;
    }

    private static int CountBlocks(PgData node, Zone zone)
    {
        int n = 0;
        for (int pfn = zone.ZoneStartPfn; pfn < zone.ZoneEndPfn; pfn += MmConstants.PageblockNrPages)
        {
            if (node.PfnValid(pfn) && node.PageZone(pfn) == zone)
            {
                n++;
            }
        }

        return n;
    }
}
