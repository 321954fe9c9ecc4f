using MmSim.Mm.Migrate;

namespace MmSim.Mm.Trace;

/// <summary>The migrate tracepoints as /sys/kernel/tracing/trace lines.</summary>
/// <remarks>include/trace/events/migrate.h: MIGRATE_MODE and MIGRATE_REASON are printed with
/// __print_symbolic, so the names below are the kernel's strings.</remarks>
public sealed partial class FtraceWriter : IMigrateTrace
{
    /// <inheritdoc/>
    /// <remarks>migrate:mm_migrate_pages_start: "mode=%s reason=%s".</remarks>
    public void MmMigratePagesStart(MigrateMode mode, MigrateReason reason)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "mm_migrate_pages_start");
        line.Append("mode=");
        line.Append(MigrateModeName(mode));
        line.Append(" reason=");
        line.Append(MigrateReasonName(reason));
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>migrate:mm_migrate_pages: "nr_succeeded=%lu nr_failed=%lu nr_thp_succeeded=%lu
    /// nr_thp_failed=%lu nr_thp_split=%lu nr_split=%lu mode=%s reason=%s".</remarks>
    public void MmMigratePages(long succeeded, long failed, long thpSucceeded, long thpFailed, long thpSplit, long largeFolioSplit, MigrateMode mode, MigrateReason reason)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "mm_migrate_pages");
        line.Append("nr_succeeded=");
        line.Append(succeeded);
        line.Append(" nr_failed=");
        line.Append(failed);
        line.Append(" nr_thp_succeeded=");
        line.Append(thpSucceeded);
        line.Append(" nr_thp_failed=");
        line.Append(thpFailed);
        line.Append(" nr_thp_split=");
        line.Append(thpSplit);
        line.Append(" nr_split=");
        line.Append(largeFolioSplit);
        line.Append(" mode=");
        line.Append(MigrateModeName(mode));
        line.Append(" reason=");
        line.Append(MigrateReasonName(reason));
        Flush(ref line);
    }

    /// <summary>MIGRATE_MODE's string for <paramref name="mode"/>.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>"MIGRATE_ASYNC", "MIGRATE_SYNC_LIGHT" or "MIGRATE_SYNC".</returns>
    public static string MigrateModeName(MigrateMode mode) => mode switch
    {
        MigrateMode.Async => "MIGRATE_ASYNC",
        MigrateMode.SyncLight => "MIGRATE_SYNC_LIGHT",
        MigrateMode.Sync => "MIGRATE_SYNC",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "no such migrate_mode"),
    };

    /// <summary>MIGRATE_REASON's string for <paramref name="reason"/>.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The kernel's name ("compaction", "memory_hotplug", "contig_range", …).</returns>
    public static string MigrateReasonName(MigrateReason reason) => reason switch
    {
        MigrateReason.Compaction => "compaction",
        MigrateReason.MemoryFailure => "memory_failure",
        MigrateReason.MemoryHotplug => "memory_hotplug",
        MigrateReason.Syscall => "syscall_or_cpuset",
        MigrateReason.MempolicyMbind => "mempolicy_mbind",
        MigrateReason.NumaMisplaced => "numa_misplaced",
        MigrateReason.ContigRange => "contig_range",
        MigrateReason.LongtermPin => "longterm_pin",
        MigrateReason.Demotion => "demotion",
        MigrateReason.Damon => "damon",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "no such migrate_reason"),
    };
}
