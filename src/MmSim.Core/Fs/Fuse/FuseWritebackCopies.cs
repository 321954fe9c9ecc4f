// The temp-page factory fuse_fill_super calls when the design copies pages (≤ 6.15, temp-pages-pool).
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>What a temp-page implementation of <see cref="IFuseWritebackCopies"/> is built with.</summary>
/// <param name="Alloc">The buddy allocator (the node, its counters, the pool's pageblocks).</param>
/// <param name="AllocWait">alloc_pages for the running task: GFP_NOFS | __GFP_HIGHMEM temp pages may enter direct reclaim.</param>
/// <param name="PageCache">The page cache (writeback accounting, the bdi's wb).</param>
/// <param name="FolioWait">Folio lock and writeback bits.</param>
/// <param name="Sim">The engine (clock, wait queues).</param>
/// <param name="Env">The release, design switches and sysctls of the mount.</param>
/// <param name="Conn">The connection the copies belong to.</param>
/// <param name="Current"><c>current</c>: the running task's context.</param>
internal sealed record FuseCopyDeps(
    PageAllocator Alloc,
    IAllocPagesWait AllocWait,
    PageCache PageCache,
    FolioWait FolioWait,
    Simulator Sim,
    FuseEnv Env,
    FuseConn Conn,
    Func<TaskContext> Current);

/// <summary>Builds the temp-page copies of a FUSE mount.</summary>
internal static class FuseWritebackCopies
{
    /// <summary>Creates the copies for a mount whose design does not write back in place.</summary>
    /// <param name="deps">What the implementation needs.</param>
    /// <returns>The copies.</returns>
    /// <exception cref="InvalidOperationException">temp-pages-pool: no free range for the pool (the mount fails).</exception>
    internal static IFuseWritebackCopies Create(FuseCopyDeps deps)
    {
        ArgumentNullException.ThrowIfNull(deps);
        WritebackDesign design = deps.Env.Design;
        FuseTempPool? pool = design.FuseWriteback == FuseWritebackMode.TempPool
            ? FuseTempPool.Reserve(deps.Alloc, new Mm.PageIsolation.PageIsolation(deps.Alloc), design.TempPoolPages, deps.Conn.Name)
            : null;
        return new FuseTempPages(deps, pool);
    }
}
