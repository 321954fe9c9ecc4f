
namespace MmSim.Mm.Memory;

/// <summary>
/// The THP fault policy of mm/huge_memory.c: whether a mapping gets huge pages and with which gfp.
/// The fault itself is <see cref="AnonVma.HandleMmFault"/>.
/// </summary>
internal static class HugeMemory
{
    /// <summary>HPAGE_PMD_ORDER.</summary>
    public const int HpagePmdOrder = MmConstants.PageblockOrder;

    /// <summary>HPAGE_PMD_NR.</summary>
    public const int HpagePmdNr = 1 << HpagePmdOrder;

    /// <summary>Whether THP applies to the mapping at all (thp_vma_allowable_order for a private anonymous VMA).</summary>
    public static bool ThpVmaAllowable(ThpMode mode) => mode != ThpMode.Never;

    /// <summary>The gfp of a THP fault (vma_thp_gfp_mask).</summary>
    /// <param name="defrag">transparent_hugepage/defrag.</param>
    /// <param name="vmaMadvised">The VMA has VM_HUGEPAGE (MADV_HUGEPAGE).</param>
    /// <returns>The mask.</returns>
    /// <remarks>mm/huge_memory.c: vma_thp_gfp_mask.</remarks>
    public static GfpFlags VmaThpGfpMask(ThpDefrag defrag, bool vmaMadvised) => defrag switch
    {
        // Always do synchronous compaction.
        ThpDefrag.Always => GfpFlags.TransHuge | (vmaMadvised ? 0 : GfpFlags.NoRetry),

        // Kick kcompactd and fail quickly.
        ThpDefrag.Defer => GfpFlags.TransHugeLight | GfpFlags.KswapdReclaim,

        // Synchronous compaction if madvised, otherwise kick kcompactd.
        ThpDefrag.DeferMadvise => GfpFlags.TransHugeLight | (vmaMadvised ? GfpFlags.DirectReclaim : GfpFlags.KswapdReclaim),

        // Only do synchronous compaction if madvised.
        ThpDefrag.Madvise => GfpFlags.TransHugeLight | (vmaMadvised ? GfpFlags.DirectReclaim : 0),
        _ => GfpFlags.TransHugeLight,
    };
}
