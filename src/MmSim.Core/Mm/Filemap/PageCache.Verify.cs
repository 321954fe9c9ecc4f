// The page cache's own invariant check, run by KernelChecker after every event in tests.
namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    /// <summary>
    /// Checks every file: each cached folio is an allocated head of this file, aligned in the file to its
    /// order, whose pages fill consecutive slots; NrCached and NrDirty count the cached and dirty pages; the
    /// readahead mark, if any, names a cached folio's head; and NR_FILE_PAGES is at least the files' pages.
    /// O(slots).
    /// </summary>
    /// <returns>A description of the first inconsistency, or null.</returns>
    public string? Verify()
    {
        long total = 0;
        foreach (CachedFile file in files)
        {
            string? bad = VerifyFile(file, out long cached);
            if (bad != null)
            {
                return $"{file.Name}: {bad}";
            }

            total += cached;
        }

        if (LruCounts() != LruCountsByWalk())
        {
            return $"superblock LRU counts {LruCounts()} differ from a walk over the files {LruCountsByWalk()}";
        }

        long nrFilePages = alloc.Node.VmStat[(int)Stat.NodeStatItem.NrFilePages];
        return nrFilePages < total ? $"NR_FILE_PAGES {nrFilePages} < {total} pages cached in files" : null;
    }

    private string? VerifyFile(CachedFile file, out long cached)
    {
        cached = 0;
        long dirty = 0;
        int[] slots = file.Pfn;
        PageFrame[] pages = alloc.Node.Pages;
        long shadows = 0;
        for (long i = 0; i < slots.Length;)
        {
            int pfn = slots[i];
            if (pfn < 0)
            {
                shadows += pfn < Folio.Mapping.EmptySlot ? 1 : 0;
                i++;
                continue;
            }

            ref PageFrame head = ref pages[pfn];
            int nr = 1 << head.Order;
            if (!head.Has(PageFlags.Allocated) || head.Owner != file.Id || alloc.Node.FolioIndex[pfn] != i)
            {
                return $"slot {i} holds pfn 0x{pfn:x}, not the head of a folio of the file at that index";
            }

            if ((i & (nr - 1)) != 0 || i + nr > slots.Length)
            {
                return $"folio at {i} of order {head.Order} is not aligned in the file";
            }

            for (int j = 1; j < nr; j++)
            {
                if (slots[i + j] != pfn + j)
                {
                    return $"slot {i + j} holds {slots[i + j]}, not page {j} of the folio at {i}";
                }
            }

            cached += nr;
            dirty += head.Has(PageFlags.Dirty) ? nr : 0;
            i += nr;
        }

        // tmpfs dirties through noop_dirty_folio, which accounts nothing.
        if (cached != file.NrCached || (!file.IsShmem && dirty != file.NrDirty))
        {
            return $"NrCached {file.NrCached} / NrDirty {file.NrDirty}, slots hold {cached} / {dirty}";
        }

        if (shadows != file.NrShadows)
        {
            return $"NrShadows {file.NrShadows}, slots hold {shadows} shadow entries";
        }

        FileRaState ra = file.Ra;
        bool markOk = ra.MarkIndex < 0 ? ra.MarkPfn < 0 : ra.MarkIndex < slots.Length;
        return markOk ? null : $"readahead mark at {ra.MarkIndex} (pfn {ra.MarkPfn}) outside the file";
    }
}
