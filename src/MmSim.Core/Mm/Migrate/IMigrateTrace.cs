namespace MmSim.Mm.Migrate;

/// <summary>Receiver of the migrate tracepoints migrate_pages fires.</summary>
/// <remarks>include/trace/events/migrate.h. Declared beside the code that fires them, so migration does
/// not depend on whoever prints them (Mm/Trace's FtraceWriter, test counters).</remarks>
public interface IMigrateTrace
{
    /// <summary>migrate:mm_migrate_pages_start, at the start of every migrate_pages call.</summary>
    /// <param name="mode">Migration mode.</param>
    /// <param name="reason">Why.</param>
    void MmMigratePagesStart(MigrateMode mode, MigrateReason reason);

    /// <summary>migrate:mm_migrate_pages, at the end of every migrate_pages call, after the counters.</summary>
    /// <param name="succeeded">Base pages migrated (stats.nr_succeeded).</param>
    /// <param name="failed">Base pages failed (stats.nr_failed_pages).</param>
    /// <param name="thpSucceeded">THPs migrated.</param>
    /// <param name="thpFailed">THPs failed.</param>
    /// <param name="thpSplit">THPs split.</param>
    /// <param name="largeFolioSplit">Large folios split (stats.nr_split).</param>
    /// <param name="mode">Migration mode.</param>
    /// <param name="reason">Why.</param>
    void MmMigratePages(long succeeded, long failed, long thpSucceeded, long thpFailed, long thpSplit, long largeFolioSplit, MigrateMode mode, MigrateReason reason);
}
