// The operations of one filesystem type that the VFS entry points dispatch to.
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Fs;

/// <summary>
/// One filesystem type's file_operations, address_space_operations and vm_operations_struct, as far
/// as mmsim models them: how an inode is set up, how writepages puts folios under writeback, and what
/// write(2), a store to a MAP_SHARED mapping, read(2), fsync(2) and close(2) do.
/// </summary>
/// <remarks>
/// <see cref="BlockFsOps"/> is ext4, xfs and tmpfs (the generic page-cache paths and block I/O);
/// <c>Fuse.FuseFsOps</c> is FUSE. Every method runs on the calling task; coroutines report through
/// <see cref="TaskContext.Ret"/> as the page-cache paths do (1 done, 0 no memory, negative an errno).
/// </remarks>
internal interface IFsOps
{
    /// <summary>Sets up a newly created inode of this filesystem (its wb, mapping flags; fuse_init_file_inode).</summary>
    /// <param name="sb">Its mount.</param>
    /// <param name="file">The file.</param>
    void InitFileInode(SuperBlock sb, CachedFile file);

    /// <summary>a_ops->writepages: puts dirty folios of <paramref name="file"/> under writeback, decrementing <see cref="WritebackControl.NrToWrite"/>.</summary>
    /// <param name="sb">The file's mount.</param>
    /// <param name="file">The file.</param>
    /// <param name="wbc">Mode and budget.</param>
    /// <returns>The coroutine.</returns>
    IEnumerable<Wait> Writepages(SuperBlock sb, CachedFile file, WritebackControl wbc);

    /// <summary>write(2) of one page at <paramref name="index"/> (f_op->write_iter).</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the writer's allocations are counted.</param>
    /// <returns>The coroutine; Ret 1, or 0 without memory.</returns>
    IEnumerable<Wait> Write(CachedFile file, long index, IAllocAccount stats);

    /// <summary>A store to a page of a MAP_SHARED mapping of the file (fault, then vm_ops->page_mkwrite).</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the allocations are counted.</param>
    /// <returns>The coroutine; Ret 1, or 0 without memory.</returns>
    IEnumerable<Wait> SharedWriteFault(CachedFile file, long index, IAllocAccount stats);

    /// <summary>read(2) of <paramref name="nrPages"/> pages from <paramref name="index"/> (f_op->read_iter).</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">First page index.</param>
    /// <param name="nrPages">Pages.</param>
    /// <param name="stats">Where the allocations are counted.</param>
    /// <returns>The coroutine; Ret 1, or 0 without memory.</returns>
    IEnumerable<Wait> Read(CachedFile file, long index, long nrPages, IAllocAccount stats);

    /// <summary>fsync(2) (f_op->fsync).</summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    IEnumerable<Wait> Fsync(CachedFile file);

    /// <summary>close(2) of one open file descriptor (f_op->flush): nothing for ext4/xfs/tmpfs, fuse_flush for FUSE.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    IEnumerable<Wait> Flush(CachedFile file);
}
