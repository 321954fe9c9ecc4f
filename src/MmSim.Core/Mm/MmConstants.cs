namespace MmSim.Mm;

/// <summary>
/// Compile-time constants of the modelled kernel (x86-64, 4 KiB pages).
/// </summary>
/// <remarks>include/linux/mmzone.h: MAX_PAGE_ORDER; include/linux/pageblock-flags.h: pageblock_order.</remarks>
public static class MmConstants
{
    /// <summary>Page size in bytes (PAGE_SIZE).</summary>
    public const int PageSize = 4096;

    /// <summary>log2 of the page size (PAGE_SHIFT).</summary>
    public const int PageShift = 12;

    /// <summary>Largest buddy order (MAX_PAGE_ORDER).</summary>
    public const int MaxPageOrder = 10;

    /// <summary>Number of buddy orders (NR_PAGE_ORDERS).</summary>
    public const int NrPageOrders = MaxPageOrder + 1;

    /// <summary>Order of a pageblock (pageblock_order = HPAGE_PMD_ORDER).</summary>
    public const int PageblockOrder = 9;

    /// <summary>Pages per pageblock (pageblock_nr_pages).</summary>
    public const int PageblockNrPages = 1 << PageblockOrder;

    /// <summary>PAGES_PER_SECTION (x86-64 SECTION_SIZE_BITS 27: 128 MiB): the unit in which the memory map exists.</summary>
    public const int PagesPerSection = 1 << (27 - PageShift);

    /// <summary>Orders above this are "costly" (PAGE_ALLOC_COSTLY_ORDER).</summary>
    public const int PageAllocCostlyOrder = 3;
}
