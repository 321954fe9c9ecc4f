using System.Text.Json;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmstat;
using MmSim.Scenario;

namespace MmSim.Runs;

/// <summary>
/// Writes a finished run's result folder: the kernel-format /proc and debugfs snapshots and the
/// summary. Every file is written atomically; only simulated quantities go in (wall-clock figures go
/// to timing.json, so result folders compare byte for byte).
/// </summary>
public static class RunOutput
{
    /// <summary>JSON options shared by result files: snake_case, indented, stable property order.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>JSON options for reading result files back (<c>mmsim show</c>): <see cref="Json"/>, matching names
    /// case-insensitively so records bind their constructor parameters.</summary>
    public static readonly JsonSerializerOptions JsonRead = new(Json) { PropertyNameCaseInsensitive = true };

    /// <summary>Writes proc/, debugfs/ and summary.json under <paramref name="dir"/>.</summary>
    /// <param name="dir">Result folder.</param>
    /// <param name="alloc">The allocator at the end of the run.</param>
    /// <param name="summary">The summary.</param>
    /// <param name="pageOwner">Whether page_owner is on (the mixed-blocks table).</param>
    /// <param name="sysctl">The scenario's sysctls (dirty ratios for /proc/vmstat's thresholds); null for the defaults.</param>
    public static void WriteSnapshots(string dir, PageAllocator alloc, RunSummary summary, bool pageOwner, SysctlConfig? sysctl = null)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(summary);
        var node = alloc.Node;
        Mm.Writeback.WritebackSysctl dirty = WritebackParams.Sysctl(sysctl);
        bool nodeUnreclaimable = summary.Daemons?.NodeUnreclaimable ?? false;
        AtomicFile.WriteAllText(Path.Combine(dir, "proc", "buddyinfo"), ProcBuddyinfo.Render(node));
        AtomicFile.WriteAllText(Path.Combine(dir, "proc", "pagetypeinfo"), ProcPagetypeinfo.Render(node, pageOwner));
        AtomicFile.WriteAllText(Path.Combine(dir, "proc", "vmstat"), ProcVmstat.Render(node, dirty, summary.Release)); // nr_writeback_temp before 6.17 (issue 9, temp pages)
        AtomicFile.WriteAllText(Path.Combine(dir, "proc", "zoneinfo"), ProcZoneinfo.Render(node, nodeUnreclaimable));
        AtomicFile.WriteAllText(Path.Combine(dir, "debugfs", "extfrag", "unusable_index"), DebugfsExtfrag.RenderUnusable(node));
        AtomicFile.WriteAllText(Path.Combine(dir, "debugfs", "extfrag", "extfrag_index"), DebugfsExtfrag.RenderExtfrag(node));
        AtomicFile.WriteAllText(Path.Combine(dir, "summary.json"), JsonSerializer.Serialize(summary, Json) + "\n");
    }
}
