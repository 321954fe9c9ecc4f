namespace MmSim.Mm.Filemap;

/// <summary>
/// The readahead state of a file (struct file_ra_state): the most recent readahead window and where the
/// previous read ended. One per cached file: every reader of a file shares it, as readers sharing one
/// open file description do (docs/fidelity.md).
/// </summary>
/// <remarks>
/// include/linux/fs.h: struct file_ra_state. There is no PG_readahead page flag (the 16-byte page frame has
/// no free bit): the one folio the last readahead marked is kept here by its index and head PFN, and the mark
/// holds only while that slot still holds that folio.
/// </remarks>
public sealed class FileRaState
{
    /// <summary>VM_READAHEAD_PAGES: read_ahead_kb = 128 KiB by default.</summary>
    public const int DefaultRaPages = 128 * 1024 / MmConstants.PageSize;

    /// <summary>First page of the last readahead window (ra->start).</summary>
    public long Start { get; set; }

    /// <summary>Pages of the last window (ra->size).</summary>
    public long Size { get; set; }

    /// <summary>Pages at the end of the window that start the next readahead when reached (ra->async_size).</summary>
    public long AsyncSize { get; set; }

    /// <summary>Folio order the last large-folio readahead used (ra->order).</summary>
    public int Order { get; set; }

    /// <summary>Maximum readahead in pages (ra->ra_pages, from the bdi's read_ahead_kb); 0 disables readahead.</summary>
    public int RaPages { get; set; } = DefaultRaPages;

    /// <summary>The bdi's optimal I/O size in pages (bdi->io_pages; bdi_init sets it to VM_READAHEAD_PAGES).</summary>
    public int IoPages { get; set; } = DefaultRaPages;

    /// <summary>Page index just past the previous read (ra->prev_pos &gt;&gt; PAGE_SHIFT); -1 before the first read.</summary>
    public long PrevIndex { get; set; } = -1;

    /// <summary>First index of the folio carrying PG_readahead, or -1.</summary>
    public long MarkIndex { get; set; } = -1;

    /// <summary>Head PFN of the folio carrying PG_readahead (valid while the slot at <see cref="MarkIndex"/> holds it).</summary>
    public int MarkPfn { get; set; } = -1;

    /// <summary>folio_set_readahead.</summary>
    /// <param name="index">The folio's first index.</param>
    /// <param name="pfn">Its head PFN.</param>
    public void SetMark(long index, int pfn)
    {
        MarkIndex = index;
        MarkPfn = pfn;
    }

    /// <summary>folio_clear_readahead.</summary>
    public void ClearMark()
    {
        MarkIndex = -1;
        MarkPfn = -1;
    }
}
