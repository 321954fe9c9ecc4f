// struct fuse_writepage_args: what one background FUSE_WRITE of writeback carries.
using MmSim.Mm.Filemap;

namespace MmSim.Fs.Fuse;

/// <summary>
/// The writeback side of a FUSE_WRITE request (<see cref="FuseReq.Args"/>): its inode and the page-cache folios
/// it carries in index order (ap->folios). Per request, never per page.
/// </summary>
/// <param name="file">The inode (wpa->inode).</param>
internal sealed class FuseWritepageArgs(CachedFile file)
{
    /// <summary>wpa->inode.</summary>
    public CachedFile File { get; } = file;

    /// <summary>Head PFNs of the folios, in index order.</summary>
    public List<int> Folios { get; } = [];

    /// <summary>
    /// Folios cancel-writeback took out of this request (head PFN, mapping id, index at the cancel): when the server
    /// answers the request, each cancel is reported as a false abort; when the request fails, as a true one.
    /// </summary>
    public List<(int Pfn, int MappingId, long Index)> Cancelled { get; } = [];

    /// <summary>Page index just past the last folio (where a contiguous next folio starts).</summary>
    public long NextIndex { get; set; }
}
