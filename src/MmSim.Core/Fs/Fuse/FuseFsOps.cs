// FUSE as the VFS sees it (fs/fuse/file.c): writeback into background FUSE_WRITE requests, the write
// paths with and without writeback cache, page_mkwrite, read, fsync and flush on close.
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>
/// The operations of a FUSE mount over its connection. Writeback follows the design: in place (6.16+),
/// or through <see cref="Copies"/> (temp pages, ≤ 6.15 and the pool design).
/// </summary>
/// <remarks>CONTRACT STUB (issue 9): the fuse-core part fills this in.</remarks>
internal sealed class FuseFsOps : IFsOps
{
    /// <summary>Creates the operations of one FUSE mount.</summary>
    /// <param name="conn">The connection.</param>
    /// <param name="copies">Temp-page copies, or null to write back in place.</param>
    public FuseFsOps(FuseConn conn, IFuseWritebackCopies? copies)
    {
        Conn = conn;
        Copies = copies;
    }

    /// <summary>The connection.</summary>
    public FuseConn Conn { get; }

    /// <summary>Temp-page copies, or null (in place).</summary>
    public IFuseWritebackCopies? Copies { get; }

    /// <inheritdoc/>
    public void InitFileInode(SuperBlock sb, CachedFile file) => throw new NotImplementedException("fuse_init_file_inode");

    /// <inheritdoc/>
    public IEnumerable<Wait> Writepages(SuperBlock sb, CachedFile file, WritebackControl wbc) => throw new NotImplementedException("fuse_writepages");

    /// <inheritdoc/>
    public IEnumerable<Wait> Write(CachedFile file, long index, IAllocAccount stats) => throw new NotImplementedException("fuse_file_write_iter");

    /// <inheritdoc/>
    public IEnumerable<Wait> SharedWriteFault(CachedFile file, long index, IAllocAccount stats) => throw new NotImplementedException("fuse_page_mkwrite");

    /// <inheritdoc/>
    public IEnumerable<Wait> Read(CachedFile file, long index, long nrPages, IAllocAccount stats) => throw new NotImplementedException("fuse_file_read_iter");

    /// <inheritdoc/>
    public IEnumerable<Wait> Fsync(CachedFile file) => throw new NotImplementedException("fuse_fsync");

    /// <inheritdoc/>
    public IEnumerable<Wait> Flush(CachedFile file) => throw new NotImplementedException("fuse_flush");
}
