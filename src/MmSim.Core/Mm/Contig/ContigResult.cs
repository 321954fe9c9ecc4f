namespace MmSim.Mm.Contig;

/// <summary>What one alloc_contig_range call did; coroutines cannot return values, so the caller passes one in.</summary>
public sealed class ContigResult
{
    /// <summary>The return: 0, or a negative errno (-EBUSY, -EINTR, -ENOMEM, -EINVAL).</summary>
    public int Ret { get; set; }

    /// <summary>Batches isolate_migratepages_range returned non-empty (each restarts the try count).</summary>
    public int Batches { get; set; }

    /// <summary>migrate_pages calls __alloc_contig_migrate_range made.</summary>
    public int MigratePasses { get; set; }

    /// <summary>Clears the fields for the next call.</summary>
    public void Reset()
    {
        Ret = 0;
        Batches = 0;
        MigratePasses = 0;
    }
}
