using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MmSim.Kernel;
using MmSim.Kernel.Designs;
using MmSim.Mm;
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Bench.Compaction;

/// <summary>
/// A full /proc/sys/vm/compact_memory (MIGRATE_SYNC, whole zone) of a fragmented 32 GiB zone: every
/// 2 MiB chunk holds its first quarter in mapped anonymous folios and the rest free, so compaction
/// must migrate about a quarter of memory to rebuild free pageblocks. The kernel does this "in under a
/// second"; the aim is under one second of wall time. Each iteration reports simulated time and pages
/// migrated in <see cref="LastRun"/>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3)]
[MemoryDiagnoser]
public class CompactMemoryBenchmarks
{
    private LinuxKernel kernel = null!;

    /// <summary>Zone size.</summary>
    [Params(32)]
    public int GiB { get; set; }

    /// <summary>What the last iteration did: simulated ns, pages migrated.</summary>
    public static (long SimNs, long Migrated) LastRun { get; private set; }

    /// <summary>Boots and fragments the machine (not timed).</summary>
    [IterationSetup]
    public void Setup() => kernel = Fragmented(GiB);

    /// <summary>compact_memory until its task ends.</summary>
    /// <returns>Pages migrated.</returns>
    [Benchmark]
    public long CompactMemory()
    {
        long start = kernel.Sim.Now;
        SimTask t = kernel.Sim.Spawn("sh", kernel.CompactMemory());
        kernel.Sim.Run(long.MaxValue / 2);
        if (t.State != TaskState.Dead)
        {
            throw new InvalidOperationException("compact_memory did not finish");
        }

        long migrated = kernel.Node.VmEvents[(int)VmEventItem.PgmigrateSuccess];
        LastRun = (kernel.Sim.Now - start, migrated);
        Console.WriteLine($"// compact_memory {GiB} GiB: simulated {(kernel.Sim.Now - start) / 1e6:F1} ms, migrated {migrated} pages");
        return migrated;
    }

    /// <summary>A booted kernel whose Normal zone is fragmented in the head pattern (a quarter of each chunk kept).</summary>
    /// <param name="gib">Zone size in GiB.</param>
    /// <returns>The kernel.</returns>
    public static LinuxKernel Fragmented(int gib)
    {
        long pages = (long)gib << 18;
        LinuxKernel k = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, pages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions { PcpEnabled = false },
                Compact = deps => Mechanisms.Compaction.Create("mainline", deps),
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
            },
            seed: 1);
        var anon = k.Mappings.Register(new SlotMapping("anon", (int)pages));
        Zone zone = k.Node.Zones[(int)ZoneType.Normal];
        var held = new List<int>((int)pages);
        while (zone.ZonePageState(ZoneStatItem.NrFreePages) > zone.Watermark[(int)WatermarkIndex.High] + 1024)
        {
            int pfn = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon);
            int index = anon.Insert(pfn, 0);
            k.Rmap.SetFolioMapping(pfn, anon, index);
            k.Node.Pages[pfn].Set(PageFlags.Lru | PageFlags.Uptodate | PageFlags.SwapBacked | PageFlags.Mapped);
            held.Add(pfn);
        }

        foreach (int pfn in held)
        {
            if ((pfn & (MmConstants.PageblockNrPages - 1)) >= MmConstants.PageblockNrPages / 4)
            {
                k.Migrate.FolioPutMapped(pfn);
            }
        }

        return k;
    }
}
