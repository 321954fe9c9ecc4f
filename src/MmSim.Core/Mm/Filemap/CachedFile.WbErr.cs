// mapping->wb_err / AS_EIO: the writeback error a filesystem records for fsync and close to report.
namespace MmSim.Mm.Filemap;

/// <summary>The writeback error of a cached file's mapping.</summary>
internal sealed partial class CachedFile
{
    /// <summary>mapping_set_error: the last writeback error (a negative errno), 0 when none was recorded.</summary>
    public int WbErr { get; set; }

    /// <summary>How many writeback completions reported an error (errseq_t's counter, simplified).</summary>
    public long WbErrCount { get; set; }
}
