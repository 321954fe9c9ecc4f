namespace MmSim.Mm;

/// <summary>
/// The simulator's <c>struct page</c>: 16 bytes per page frame, kept in one array indexed by PFN.
/// </summary>
/// <remarks>
/// include/linux/mm_types.h: struct page. <see cref="Flags"/> packs the block order (bits 0–3),
/// the allocation migratetype recorded by page_owner (bits 4–6, 7 = none), the owner kind
/// (bits 7–10) and the boolean <see cref="PageFlags"/> (bits 11+). <see cref="Next"/>/<see cref="Prev"/>
/// are the intrusive list links (the kernel's <c>page-&gt;lru</c>, shared by buddy, pcp and LRU lists,
/// since a page is on at most one of them). Only the head page of a block carries state.
/// <para>All-zero bytes are <see cref="Empty"/> (no state, no links): the migratetype is stored XOR 7 and the
/// links as PFN + 1. So a new memory map needs no fill, and the OS backs only the frames the model touches; at
/// boot that is the head of each free block, one frame in 1024 on a large machine (issue 11: a 1 TiB machine
/// boots without writing its 4 GiB memory map).</para>
/// </remarks>
public struct PageFrame
{
    private const uint OrderMask = 0xF;
    private const int MtShift = 4;
    private const uint MtMask = 0x7u << MtShift;
    private const int OwnerShift = 7;
    private const uint OwnerMask = 0xFu << OwnerShift;

    /// <summary>Packed order, allocation migratetype, owner kind and <see cref="PageFlags"/>.</summary>
    public uint Flags;

    // PFN + 1 of the neighbours, so that 0 (a fresh array) means "none" (-1).
    private int nextPlus1;
    private int prevPlus1;

    /// <summary>Next PFN on the list this page is on, or -1.</summary>
    public int Next
    {
        readonly get => nextPlus1 - 1;
        set => nextPlus1 = value + 1;
    }

    /// <summary>Previous PFN on the list this page is on, or -1.</summary>
    public int Prev
    {
        readonly get => prevPlus1 - 1;
        set => prevPlus1 = value + 1;
    }

    /// <summary>Owner or mapping id (workload object, file id, op-script id).</summary>
    public int Owner;

    /// <summary>Order of the block this head page starts (buddy_order / folio_order).</summary>
    public int Order
    {
        readonly get => (int)(Flags & OrderMask);
        set => Flags = (Flags & ~OrderMask) | (uint)value;
    }

    /// <summary>Migratetype of the allocation (gfp_migratetype of page_owner's gfp), or <see cref="MigrateTypes.None"/>.</summary>
    public byte AllocMt
    {
        readonly get => (byte)(((Flags & MtMask) >> MtShift) ^ MigrateTypes.None);
        set => Flags = (Flags & ~MtMask) | ((uint)(value ^ MigrateTypes.None) << MtShift);
    }

    /// <summary>Who owns the allocated block.</summary>
    public OwnerKind OwnerKind
    {
        readonly get => (OwnerKind)((Flags & OwnerMask) >> OwnerShift);
        set => Flags = (Flags & ~OwnerMask) | ((uint)value << OwnerShift);
    }

    /// <summary>Tests a boolean flag.</summary>
    /// <param name="flag">The flag.</param>
    /// <returns>True when set.</returns>
    public readonly bool Has(PageFlags flag) => (Flags & (uint)flag) != 0;

    /// <summary>Sets a boolean flag.</summary>
    /// <param name="flag">The flag.</param>
    public void Set(PageFlags flag) => Flags |= (uint)flag;

    /// <summary>Clears a boolean flag.</summary>
    /// <param name="flag">The flag.</param>
    public void Clear(PageFlags flag) => Flags &= ~(uint)flag;

    /// <summary>The packed <see cref="Flags"/> word of a head page, built in one go (for hot paths that set every field).</summary>
    /// <param name="order">Block order, 0..15.</param>
    /// <param name="allocMt">Allocation migratetype, or <see cref="MigrateTypes.None"/>.</param>
    /// <param name="owner">Owner kind.</param>
    /// <param name="flags">Boolean flags.</param>
    /// <returns>The word, equal to setting each field on a zeroed frame.</returns>
    public static uint Pack(int order, byte allocMt, OwnerKind owner, PageFlags flags) =>
        ((uint)order & OrderMask) | (((uint)(allocMt ^ MigrateTypes.None) << MtShift) & MtMask) | (((uint)owner << OwnerShift) & OwnerMask) | (uint)flags;

    /// <summary>A page frame with no state and no list links.</summary>
    public static PageFrame Empty => default;
}
