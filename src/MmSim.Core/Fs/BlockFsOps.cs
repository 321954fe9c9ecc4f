// ext4, xfs and tmpfs as the VFS sees them: the generic page-cache paths and block-device writeback.
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Sim;

namespace MmSim.Fs;

/// <summary>
/// The operations of a block-device filesystem (ext4, xfs) or tmpfs: generic_perform_write,
/// filemap_page_mkwrite, filemap_read, write_cache_pages into block requests, file_write_and_wait_range;
/// close(2) writes nothing back.
/// </summary>
/// <param name="fs">The mount table (fdatawait).</param>
/// <param name="cache">The page cache.</param>
/// <param name="writepages">Block writepages.</param>
internal sealed class BlockFsOps(Filesystems fs, PageCache cache, Writepages writepages) : IFsOps
{
    /// <inheritdoc/>
    /// <remarks>ext4_set_inode_mapping_order / xfs_setup_inode: mapping_set_large_folios; AS_STABLE_WRITES from the device.</remarks>
    public void InitFileInode(SuperBlock sb, CachedFile file)
    {
        if (sb.Spec.Type == FsType.Tmpfs)
        {
            return;
        }

        file.Wb = sb.Bdi.Wb;
        file.SbIndex = sb.Index;
        if (sb.Spec.UsesLargeFolios)
        {
            file.Flags |= AsFlags.LargeFolios;
        }

        if (sb.Spec.StableWrites)
        {
            file.Flags |= AsFlags.StableWrites;
        }
    }

    /// <inheritdoc/>
    public IEnumerable<Wait> Writepages(SuperBlock sb, CachedFile file, WritebackControl wbc) => writepages.WriteInode(sb, file, wbc);

    /// <inheritdoc/>
    public IEnumerable<Wait> Write(CachedFile file, long index, IAllocAccount stats) => cache.Write(file, index, stats);

    /// <inheritdoc/>
    public IEnumerable<Wait> SharedWriteFault(CachedFile file, long index, IAllocAccount stats) => cache.SharedWriteFault(file, index, stats);

    /// <inheritdoc/>
    public IEnumerable<Wait> Read(CachedFile file, long index, long nrPages, IAllocAccount stats) => cache.Read(file, index, nrPages, stats);

    /// <inheritdoc/>
    /// <remarks>file_write_and_wait_range over the whole file: WB_SYNC_ALL writepages by the caller, then
    /// filemap_fdatawait. ext4_sync_file's journal commit and cache flush are not modelled.</remarks>
    public IEnumerable<Wait> Fsync(CachedFile file)
    {
        SuperBlock sb = fs.Supers[file.SbIndex];
        if (sb.Device is not null && file.Wb is not null)
        {
            yield return Wait.Call(Writepages(sb, file, new WritebackControl { SyncMode = WbSyncMode.All, Reason = Mm.Writeback.WbReason.Sync }));
            cache.InodeCleanIfNoDirty(file);
        }

        yield return Wait.Call(fs.FdataWait(file));
    }

    /// <inheritdoc/>
    public IEnumerable<Wait> Flush(CachedFile file) => [];
}
