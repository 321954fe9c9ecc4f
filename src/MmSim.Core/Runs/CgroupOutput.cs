using MmSim.Kernel;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmstat;

namespace MmSim.Runs;

/// <summary>memcg: one cgroup's totals in summary.json (pages, and the memory.events counts).</summary>
/// <param name="Path">The cgroup's path below the root.</param>
/// <param name="UsagePages">memory.current in pages.</param>
/// <param name="PeakPages">memory.peak (the counter's watermark) in pages.</param>
/// <param name="MaxPages">memory.max / limit_in_bytes in pages; null for max.</param>
/// <param name="HighPages">memory.high in pages; null for max.</param>
/// <param name="Failcnt">Charges that hit a limit (failcnt).</param>
/// <param name="EventsHigh">memory.events high.</param>
/// <param name="EventsMax">memory.events max.</param>
/// <param name="EventsOom">memory.events oom.</param>
/// <param name="EventsOomKill">memory.events oom_kill.</param>
/// <param name="AnonPages">memory.stat anon, in pages (hierarchical).</param>
/// <param name="FilePages">memory.stat file, in pages (hierarchical).</param>
/// <param name="KernelPages">memory.stat kernel, in pages (hierarchical).</param>
public sealed record CgroupSummary(
    string Path, long UsagePages, long PeakPages, long? MaxPages, long? HighPages, long Failcnt,
    long EventsHigh, long EventsMax, long EventsOom, long EventsOomKill, long AnonPages, long FilePages, long KernelPages)
{
    /// <summary>The summaries of every cgroup but the root, in creation order (flushes the memcg statistics).</summary>
    /// <param name="kernel">The kernel at the end of the run.</param>
    /// <returns>The summaries.</returns>
    public static IReadOnlyList<CgroupSummary> From(LinuxKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        MemcgTree tree = kernel.Memcg;
        if (tree.All.Count == 1)
        {
            return [];
        }

        tree.FlushStats();
        var list = new List<CgroupSummary>(tree.All.Count - 1);
        foreach (MemCgroup m in tree.All)
        {
            if (m == tree.Root)
            {
                continue;
            }

            list.Add(new CgroupSummary(
                m.Name, m.Memory.Usage, m.Memory.Watermark,
                m.Memory.Limit >= PageCounter.Max ? null : m.Memory.Limit,
                m.High >= PageCounter.Max ? null : m.High,
                m.Memory.Failcnt, m.EventsHigh, m.EventsMax, m.EventsOom, m.EventsOomKill,
                MemcgTree.MemcgPageState(m, (int)NodeStatItem.NrAnonPages),
                MemcgTree.MemcgPageState(m, (int)NodeStatItem.NrFilePages),
                MemcgTree.MemcgPageState(m, (int)MemcgStatItem.MemcgKmem)));
        }

        return list;
    }
}

/// <summary>memcg: writes each cgroup's control files under <c>cgroups/&lt;path&gt;/</c> of the result folder.</summary>
public static class CgroupOutput
{
    /// <summary>Writes memory.stat, memory.current, memory.max, memory.events… (v2) or the v1 files of every cgroup but the root.</summary>
    /// <param name="dir">Result folder.</param>
    /// <param name="kernel">The kernel at the end of the run.</param>
    public static void Write(string dir, LinuxKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(kernel);
        MemcgTree tree = kernel.Memcg;
        if (tree.All.Count == 1)
        {
            return;
        }

        tree.FlushStats();
        foreach (MemCgroup m in tree.All)
        {
            if (m == tree.Root)
            {
                continue;
            }

            string cgDir = System.IO.Path.Combine([dir, "cgroups", .. m.Name.Split('/', StringSplitOptions.RemoveEmptyEntries)]);
            foreach ((string name, string text) in MemcgFiles.Files(tree, m))
            {
                AtomicFile.WriteAllText(System.IO.Path.Combine(cgDir, name), text);
            }
        }
    }
}
