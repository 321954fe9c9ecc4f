// Writeback of a cached folio as far as mm sees it (mm/page-writeback.c): the dirty bit moves to
// PG_writeback, which whoever does the I/O clears later. Until the writeback model exists, the
// scripted `writeback` step is the only caller; it names the task that ends the writeback.
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    /// <summary>
    /// Starts writeback of the folio at <paramref name="index"/>, which the caller has locked:
    /// folio_clear_dirty_for_io (NR_FILE_DIRTY and NR_ZONE_WRITE_PENDING down, if it was dirty) then
    /// __folio_start_writeback (PG_writeback, NR_WRITEBACK and NR_ZONE_WRITE_PENDING up).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index of a cached folio.</param>
    /// <param name="folioWait">The folio bit waits (records the ender).</param>
    /// <param name="ender">What will end the writeback; its releaser is named in wait chains.</param>
    public void StartWriteback(CachedFile file, long index, FolioWait folioWait, IWaitTarget ender)
    {
        ArgumentNullException.ThrowIfNull(folioWait);
        int pfn = file.Pfn[index];
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        if (page.Has(PageFlags.Dirty))
        {
            page.Clear(PageFlags.Dirty);
            if (!file.IsShmem)
            {
                file.NrDirty--;
                alloc.Node.ModNodePageState(NodeStatItem.NrDirty, -1);
                alloc.Node.PageZone(pfn).ModZonePageState(ZoneStatItem.NrZoneWritePending, -1);
            }
        }

        folioWait.FolioStartWriteback(pfn, ender);
        alloc.Node.ModNodePageState(NodeStatItem.NrWriteback, 1);
        alloc.Node.PageZone(pfn).ModZonePageState(ZoneStatItem.NrZoneWritePending, 1);
    }

    /// <summary>
    /// folio_end_writeback of the folio at <paramref name="index"/>: __folio_end_writeback (NR_WRITEBACK and
    /// NR_ZONE_WRITE_PENDING down, NR_WRITTEN up), then PG_writeback clears and its waiters wake.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index of a folio under writeback.</param>
    /// <param name="folioWait">The folio bit waits.</param>
    public void EndWriteback(CachedFile file, long index, FolioWait folioWait)
    {
        ArgumentNullException.ThrowIfNull(folioWait);
        int pfn = file.Pfn[index];
        alloc.Node.ModNodePageState(NodeStatItem.NrWriteback, -1);
        alloc.Node.PageZone(pfn).ModZonePageState(ZoneStatItem.NrZoneWritePending, -1);
        alloc.Node.ModNodePageState(NodeStatItem.NrWritten, 1);
        folioWait.FolioEndWriteback(pfn);
    }
}
