namespace MmSim.Runs.TimeSeries;

/// <summary>The <c>marks</c> bits of a <c>pageblocks.parquet</c> row: what the block holds that pins it in place.</summary>
[Flags]
public enum PageblockMarks
{
    /// <summary>Nothing of note.</summary>
    None = 0,

    /// <summary>An allocation whose migratetype is MIGRATE_UNMOVABLE (page_owner's gfp_migratetype), whatever the block's type.</summary>
    Unmovable = 1,

    /// <summary>A folio with a long-term pin (folio_maybe_dma_pinned).</summary>
    Pinned = 2,

    /// <summary>A folio under writeback (PG_writeback).</summary>
    Writeback = 4,

    /// <summary>The block's memory section is offline (memory offlining took it).</summary>
    Offline = 8,
}
