namespace MmSim.Mm.Cma;

/// <summary>One cma_alloc call: when, how many pages, where, and how it ended.</summary>
/// <param name="StartNs">Simulated time it started.</param>
/// <param name="EndNs">Simulated time it returned.</param>
/// <param name="Count">Pages requested.</param>
/// <param name="Pfn">First PFN allocated, or −1.</param>
/// <param name="Ret">0, or the -errno of the last range tried.</param>
/// <param name="RangesTried">Candidate ranges alloc_contig_range was run on (1 + busy retries).</param>
public readonly record struct CmaAllocCall(long StartNs, long EndNs, long Count, int Pfn, int Ret, int RangesTried)
{
    /// <summary>Latency in simulated ns.</summary>
    public long LatencyNs => EndNs - StartNs;
}

/// <summary>
/// One CMA area (struct cma with a single struct cma_memrange): its range, the allocation bitmap
/// (one bit per 2^order_per_bit pages) and the sysfs counters.
/// </summary>
/// <remarks>mm/cma.h: struct cma, struct cma_memrange; mm/cma_sysfs.c: alloc_pages_success, alloc_pages_fail,
/// release_pages. order_per_bit is 0, as for the cma= command-line area.</remarks>
public sealed class CmaArea
{
    private readonly ulong[] bitmap;
    private readonly List<CmaAllocCall> calls = [];

    /// <summary>Creates an area with every page available.</summary>
    /// <param name="name">The area's name.</param>
    /// <param name="basePfn">First PFN.</param>
    /// <param name="count">Pages.</param>
    public CmaArea(string name, int basePfn, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Name = name;
        BasePfn = basePfn;
        Count = count;
        AvailableCount = count;
        bitmap = new ulong[(count + 63) / 64];
    }

    /// <summary>cma->name.</summary>
    public string Name { get; }

    /// <summary>cmr->base_pfn.</summary>
    public int BasePfn { get; }

    /// <summary>cma->count: pages in the area.</summary>
    public int Count { get; }

    /// <summary>cma->order_per_bit.</summary>
    public int OrderPerBit => 0;

    /// <summary>cma->available_count: pages whose bit is clear.</summary>
    public long AvailableCount { get; internal set; }

    /// <summary>alloc_pages_success (sysfs): pages of successful allocations.</summary>
    public long AllocPagesSuccess { get; internal set; }

    /// <summary>alloc_pages_fail (sysfs): pages of failed allocations.</summary>
    public long AllocPagesFail { get; internal set; }

    /// <summary>release_pages (sysfs): pages released.</summary>
    public long ReleasePages { get; internal set; }

    /// <summary>Every cma_alloc call on the area, in order, with its latency.</summary>
    public IReadOnlyList<CmaAllocCall> Calls => calls;

    /// <summary>Whether bit <paramref name="i"/> of the bitmap is set (that page is allocated).</summary>
    /// <param name="i">Bit index, 0 ≤ i &lt; <see cref="Count"/>.</param>
    /// <returns>True when set.</returns>
    public bool TestBit(int i) => (bitmap[i >> 6] & (1UL << (i & 63))) != 0;

    /// <summary>The PFN range contains <c>[pfn, pfn + count)</c>.</summary>
    /// <param name="pfn">First PFN.</param>
    /// <param name="count">Pages.</param>
    /// <returns>True when inside.</returns>
    public bool Contains(int pfn, long count) => pfn >= BasePfn && pfn + count <= (long)BasePfn + Count;

    internal void AddCall(CmaAllocCall call) => calls.Add(call);

    // lib/bitmap.c: bitmap_set / bitmap_clear.
    internal void SetBits(int start, int nr, bool value)
    {
        for (int i = start; i < start + nr; i++)
        {
            if (value)
            {
                bitmap[i >> 6] |= 1UL << (i & 63);
            }
            else
            {
                bitmap[i >> 6] &= ~(1UL << (i & 63));
            }
        }
    }

    /// <summary>
    /// bitmap_find_next_zero_area_off: the first index ≥ <paramref name="start"/> with <paramref name="nr"/>
    /// clear bits, aligned so that (index + <paramref name="alignOffset"/>) &amp; <paramref name="alignMask"/> is 0;
    /// a value ≥ <paramref name="size"/> when there is none.
    /// </summary>
    /// <param name="size">Bits to search.</param>
    /// <param name="start">First index to consider.</param>
    /// <param name="nr">Clear bits needed.</param>
    /// <param name="alignMask">Alignment mask.</param>
    /// <param name="alignOffset">Offset of the bitmap from the alignment.</param>
    /// <returns>The index.</returns>
    /// <remarks>lib/bitmap.c: bitmap_find_next_zero_area_off. Cost O(size) per call.</remarks>
    public long FindNextZeroAreaOff(long size, long start, long nr, long alignMask, long alignOffset)
    {
        for (int guard = 0; guard <= size; guard++)
        {
            long index = start;
            while (index < size && TestBit((int)index))
            {
                index++;
            }

            // __ALIGN_MASK(index + align_offset, align_mask) - align_offset.
            index = ((index + alignOffset + alignMask) & ~alignMask) - alignOffset;
            long end = index + nr;
            if (end > size)
            {
                return end;
            }

            long i = index;
            while (i < end && !TestBit((int)i))
            {
                i++;
            }

            if (i >= end)
            {
                return index;
            }

            start = i + 1;
        }

        return size;
    }
}
