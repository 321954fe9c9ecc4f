namespace MmSim.Mm.Migrate;

public sealed partial class Migration
{
    /// <summary>
    /// alloc_migration_target: a destination folio of the source's order from the buddy allocator
    /// (pgalloc counts, unlike compaction's targets). It has no mapping until the move; isolated
    /// blocks are never handed out, so it lies outside any range being emptied.
    /// </summary>
    /// <param name="gfp">The caller's migration_target_control gfp (e.g. GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL).</param>
    /// <param name="srcPfn">Head PFN of the source.</param>
    /// <param name="order">The source's order (large folios add __GFP_COMP).</param>
    /// <returns>Head PFN of the destination, or −1.</returns>
    /// <remarks>mm/migrate.c: alloc_migration_target (one node: no nodemask fallback).</remarks>
    public int AllocMigrationTarget(GfpFlags gfp, int srcPfn, int order) =>
        alloc.AllocPages(order > 0 ? gfp | GfpFlags.Comp : gfp, order, pages[srcPfn].OwnerKind, 0);
}
