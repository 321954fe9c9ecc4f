using MmSim.Mm;
using MmSim.Kernel;
using MmSim.Kernel.Designs;
using MmSim.Mm.Compaction;
using MmSim.Mm.Vmscan;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;
using MmSim.Scenario;

namespace MmSim.Runs;

/// <summary>Turns a resolved scenario into the model's machine description and allocator options.</summary>
public static class KernelFromConfig
{
    /// <summary>The machine layout of a scenario.</summary>
    /// <param name="machine">The resolved machine section.</param>
    /// <returns>The zones and CMA areas in pages.</returns>
    public static MachineSpec Machine(MachineConfig machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var zones = new List<ZoneSpec>();
        foreach (ZoneConfig z in machine.Zones)
        {
            zones.Add(new ZoneSpec(z.Type, z.SpannedPages, z.StartPfn, z.ReservedPages));
        }

        var cma = new List<CmaSpec>();
        foreach (CmaConfig c in machine.Cma)
        {
            cma.Add(new CmaSpec(c.Name, c.Zone, c.NrPages, c.StartPfn));
        }

        var holes = new List<PfnRange>();
        foreach (HoleConfig h in machine.Holes)
        {
            holes.Add(new PfnRange(h.StartPfn, h.EndPfn));
        }

        return new MachineSpec(zones, cma, holes);
    }

    /// <summary>The allocator options of a scenario (release switches and sysctls).</summary>
    /// <param name="config">The resolved scenario.</param>
    /// <returns>The options.</returns>
    public static PageAllocOptions Options(ScenarioConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        SysctlConfig s = config.Sysctl;
        return new PageAllocOptions
        {
            Fallback = config.Kernel.Fallback,
            PcpEnabled = config.Kernel.Pcp,
            MinFreeKbytes = s.MinFreeKbytes,
            WatermarkBoostFactor = s.WatermarkBoostFactor,
            WatermarkScaleFactor = s.WatermarkScaleFactor,
            LowmemReserveRatio = [.. s.LowmemReserveRatio, 0],
            DefragMode = s.DefragMode != 0,
            PercpuPagelistHighFraction = s.PercpuPagelistHighFraction,
            IsolateBit = !IsBefore(config.Kernel.Release, 6, 17),
        };
    }

    /// <summary>Everything the kernel of a scenario boots with: allocator options, sysctls, mechanisms.</summary>
    /// <param name="config">The resolved scenario.</param>
    /// <returns>The kernel's parameters.</returns>
    public static KernelParams Params(ScenarioConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        SysctlConfig s = config.Sysctl;
        ImplEntry<ICompact> compaction = Mechanisms.Compaction.Get(config.Kernel.Switches.Compaction);
        ImplEntry<IReclaim> reclaim = Mechanisms.Reclaim.Get(config.Kernel.Switches.Reclaim);
        return new KernelParams
        {
            Alloc = Options(config),
            HungTask = new HungTaskSysctl
            {
                HungTaskTimeoutSecs = s.HungTaskTimeoutSecs,
                HungTaskCheckIntervalSecs = s.HungTaskCheckIntervalSecs,
                HungTaskWarnings = s.HungTaskWarnings,
            },
            Compaction = CompactionSysctl(config),
            MemoryBlockSizeBytes = config.Machine.MemoryBlockSizeBytes,
            OfflineTimeoutNs = s.OfflineTimeoutSecs > 0 ? s.OfflineTimeoutSecs * Sim.SimTime.NsPerSec : null,
            // Mechanisms by the names the design's switches give (an unknown name fails before boot).
            Compact = compaction.Create,
            Reclaim = reclaim.Create,
            CgroupVersion = config.Cgroups?.Version ?? Mm.Memcontrol.CgroupVersion.V2, // memcg

            // anon (issue 8): swapon of the scenario's device, if any.
            Swap = config.Swap is { SizeBytes: >= Units.PageSizeBytes } sw
                ? new Mm.Swap.SwapSpec(sw.SizeBytes / Units.PageSizeBytes, sw.LatencyNs, sw.BandwidthBytes)
                : null,
            Release = config.Kernel.Release, // FUSE and the writeback designs (issue 9)
            WritebackDesign = config.Kernel.WritebackDesign, // designs: auto switches resolved by the release
            Writeback = WritebackParams.Sysctl(config), // writeback (issue 8)
            Mounts = WritebackParams.Mounts(config),
            Fuse = WritebackParams.FuseSysctl(config), // fuse (issue 9)
        };
    }

    /// <summary>memcg: creates the scenario's cgroups (mkdir and the limit files) on a booted kernel.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="cgroups">The resolved <c>cgroups</c> section.</param>
    /// <returns>The cgroups by scenario name.</returns>
    public static IReadOnlyDictionary<string, Mm.Memcontrol.MemCgroup> CreateCgroups(LinuxKernel kernel, CgroupsConfig cgroups)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(cgroups);
        var byName = new Dictionary<string, Mm.Memcontrol.MemCgroup>(StringComparer.Ordinal);
        foreach (CgroupConfig g in cgroups.Groups)
        {
            Mm.Memcontrol.MemCgroup memcg = kernel.Memcg.Create(cgroups.PathOf(g.Name)!, g.Parent is string p ? byName[p] : null);
            memcg.Memory.Limit = Pages(g.HardLimitBytes);
            memcg.High = Pages(g.HighBytes);
            memcg.Low = g.LowBytes is long low ? low / Units.PageSizeBytes : 0;
            memcg.Min = g.MinBytes is long min ? min / Units.PageSizeBytes : 0;
            byName.Add(g.Name, memcg);
        }

        return byName;

        // page_counter_memparse: bytes to pages, "max" (absent) to PAGE_COUNTER_MAX.
        static long Pages(long? bytes) => bytes is long b ? b / Units.PageSizeBytes : Mm.Memcontrol.PageCounter.Max;
    }

    /// <summary>The compaction sysctls of a scenario.</summary>
    /// <param name="config">The resolved scenario.</param>
    /// <returns>kcompactd's settings.</returns>
    public static CompactionSysctl CompactionSysctl(ScenarioConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CompactionSysctl
        {
            CompactionProactiveness = config.Sysctl.CompactionProactiveness,
            ExtfragThreshold = config.Sysctl.ExtfragThreshold,
            DefragMode = config.Sysctl.DefragMode != 0,
            ProactiveWmarksBefore616 = IsBefore(config.Kernel.Release, 6, 16),
        };
    }

    /// <summary>Whether <paramref name="release"/> ("6.12", "6.18"…) is older than <paramref name="major"/>.<paramref name="minor"/>.</summary>
    /// <param name="release">Kernel release.</param>
    /// <param name="major">Major version.</param>
    /// <param name="minor">Minor version.</param>
    /// <returns>True when older.</returns>
    public static bool IsBefore(string release, int major, int minor)
    {
        string[] parts = release.Split('.');
        int ma = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        int mi = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return ma < major || (ma == major && mi < minor);
    }
}
