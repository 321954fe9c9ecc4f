using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>Declaration of the top level of a scenario file and its binding to <see cref="ScenarioConfig"/>.</summary>
internal static class ScenarioSchema
{
    /// <summary>The schema version this mmsim reads and writes.</summary>
    public const long Version = 1;

    private const long SamplingIntervalDefaultNs = Units.NsPerS;

    public static SectionDecl Root { get; } = new(
        "top level",
        "A scenario file is one YAML mapping. Keys are case-sensitive; unknown keys are errors.",
        [
            new()
            {
                Name = "version", Kind = FieldKind.Int, Required = true,
                Check = v => (long)v == Version ? null : $"this mmsim reads scenario schema version {Version}, got {v}",
                RangeDoc = "1",
                Doc = "schema version of the file",
                Get = FieldDecl.Of<ScenarioConfig>(c => (long)c.Version),
            },
            new()
            {
                Name = "name", Kind = FieldKind.String, DefaultDoc = "the file name without extension",
                Check = v => ScenarioName.IsPlain((string)v) ? null : $"'{v}' is not a plain name: use {ScenarioName.Form}; it names the result folders",
                RangeDoc = "[A-Za-z0-9_.-]+, no '..'",
                Doc = "scenario name in reports and result folder names",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Name),
            },
            new()
            {
                Name = "description", Kind = FieldKind.String, Default = string.Empty,
                Doc = "free text for reports",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Description),
            },
            new()
            {
                Name = "seed", Kind = FieldKind.UInt64, Default = 1UL,
                Doc = "root seed; every random stream of the run derives from it, so the same seed gives byte-identical output",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Seed),
            },
            new()
            {
                Name = "seeds", Kind = FieldKind.Int, Default = 3L, Min = 1, Max = 10_000,
                Doc = "how many seeds (seed, seed+1, …) comparisons run per design",
                Get = FieldDecl.Of<ScenarioConfig>(c => (long)c.Seeds),
            },
            new()
            {
                Name = "duration", Kind = FieldKind.Duration, Default = 10 * Units.NsPerS, Min = 1, Max = 7 * 24 * Units.NsPerH,
                Doc = "simulated time to run (workloads that count operations may end sooner)",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.DurationNs),
            },
            new()
            {
                Name = "sampling_interval", Kind = FieldKind.Duration, Min = Units.NsPerUs,
                DefaultDoc = "`1s`, or the duration if shorter",
                RangeDoc = "1us .. duration",
                Doc = "simulated time between samples of the counters (vmstat, buddyinfo)",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.SamplingIntervalNs),
            },
            new()
            {
                Name = "kernel", Kind = FieldKind.Section, Section = KernelSchema.Decl,
                Doc = "kernel release and switches",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Kernel),
            },
            new()
            {
                Name = "machine", Kind = FieldKind.Section, Section = MachineSchema.Machine,
                Doc = "zones, CMA areas, nodes, CPUs",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Machine),
            },
            new()
            {
                Name = "sysctl", Kind = FieldKind.Section, Section = SysctlSchema.Decl,
                Doc = "vm and hung-task sysctls",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Sysctl),
            },
            new()
            {
                // Writeback (issue 8).
                Name = "mounts", Kind = FieldKind.SectionList, Section = MountsSchema.Mount, DefaultDoc = "one ext4 mount on `sda`",
                Doc = "filesystems with their block devices and bdi settings",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Mounts ?? []),
            },
            new()
            {
                // anon (issue 8)
                Name = "swap", Kind = FieldKind.Section, Section = SwapSchema.Decl,
                Doc = "the swap device; none by default",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Swap ?? SwapConfig.None),
            },
            new()
            {
                Name = "workloads", Kind = FieldKind.Workloads, DefaultDoc = "none",
                Doc = "what runs on the machine; see the workload types below",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Workloads),
            },
            new()
            {
                // memcg
                Name = "cgroups", Kind = FieldKind.Section, Section = CgroupsSchema.Decl,
                Doc = "memory cgroups and their limits; workloads join one with `cgroup: NAME`",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Cgroups ?? CgroupsConfig.None),
            },
            new()
            {
                Name = "policy", Kind = FieldKind.ScalarMap, DefaultDoc = "none",
                Doc = "design and policy switches by name (checked by the components that read them); kept sorted by name",
                Get = FieldDecl.Of<ScenarioConfig>(c => c.Policy),
            },
        ],
        Bind)
    {
        Check = Check,
    };

    private static void Check(FieldValues v, LoadContext ctx)
    {
        // memcg: every workload's cgroup is declared.
        if (v.TryGet<CgroupsConfig>("cgroups", out var cgroups))
        {
            foreach ((Mark at, string path, string name) in ctx.CgroupRefs)
            {
                if (cgroups.PathOf(name) is null)
                {
                    string known = cgroups.Groups.Count == 0 ? "none is declared" : "declared: " + string.Join(", ", cgroups.Groups.Select(g => g.Name));
                    ctx.Error(at, path, $"cgroup '{name}' is not in 'cgroups.groups' ({known})");
                }
            }
        }

        CheckMounts(v, ctx); // writeback (issue 8)
        CheckMemoryBlocks(v, ctx);

        if (v.TryGet("duration", out long durationNs) && v.IsPresent("sampling_interval") && v.TryGet("sampling_interval", out long samplingNs) && samplingNs > durationNs)
        {
            ctx.Error(v.MarkOf("sampling_interval"), v.PathOf("sampling_interval"),
                $"{Units.FormatDuration(samplingNs)} is longer than the duration {Units.FormatDuration(durationNs)}; sample at least once per run");
        }

        if (v.TryGet<MachineConfig>("machine", out var machine) && v.TryGet<SysctlConfig>("sysctl", out var sysctl) && sysctl.MinFreeKbytes is int minFreeKbytes)
        {
            long lowmemKbytes = machine.Zones.Where(z => z.Type <= ZoneType.Normal).Sum(z => z.ManagedPages) * (Units.PageSizeBytes / Units.KiB);
            if (minFreeKbytes >= lowmemKbytes)
            {
                ctx.Error(v.MarkOf("sysctl"), YamlTree.Join(v.PathOf("sysctl"), "min_free_kbytes"),
                    $"{sysctl.MinFreeKbytes} KiB is not below the machine's lowmem ({lowmemKbytes} KiB managed in DMA, DMA32 and Normal); every allocation would fail");
            }
        }
    }

    // A step's memory block and CMA area exist on this machine: node PFNs start at 0, so the blocks are /sys/devices/system/memory/memory0
    // up to the one holding the last PFN (found by RunFuzzTests: 'block: 3' on a machine of one 128 MiB block crashed the run).
    private static void CheckMemoryBlocks(FieldValues v, LoadContext ctx)
    {
        if (!v.TryGet<MachineConfig>("machine", out var machine))
        {
            return;
        }

        // Likewise a cma_alloc's area is one the machine declares (a missing one crashed the run too).
        foreach ((Mark at, string path, string area) in ctx.CmaAreaRefs)
        {
            if (!machine.Cma.Any(c => c.Name == area))
            {
                string known = machine.Cma.Count == 0 ? "the machine declares none in machine.cma" : "declared: " + string.Join(", ", machine.Cma.Select(c => c.Name));
                ctx.Error(at, path, $"there is no CMA area '{area}' ({known})");
            }
        }

        if (ctx.MemoryBlockRefs.Count == 0 || machine.MemoryBlockSizeBytes <= 0)
        {
            return;
        }

        long pagesPerBlock = Math.Max(1, machine.MemoryBlockSizeBytes / Units.PageSizeBytes);
        long blocks = (machine.EndPfn + pagesPerBlock - 1) / pagesPerBlock;
        foreach ((Mark at, string path, long block) in ctx.MemoryBlockRefs)
        {
            if (block >= blocks)
            {
                ctx.Error(at, path, $"memory block {block} does not exist: the machine has {blocks} memory blocks of {Units.FormatSize(machine.MemoryBlockSizeBytes)} (0 .. {blocks - 1})");
            }
        }
    }

    // Mount names are unique, and a filewrite's mount is one of them (or the default `root`).
    private static void CheckMounts(FieldValues v, LoadContext ctx)
    {
        var mountNames = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<object> mounts = v.TryGet("mounts", out IReadOnlyList<object>? ms) && ms is not null ? ms : [];
        foreach (MountConfig m in mounts.OfType<MountConfig>())
        {
            if (!mountNames.Add(m.Name))
            {
                ctx.Error(v.MarkOf("mounts"), v.PathOf("mounts"), $"mount name '{m.Name}' is used twice");
            }
        }

        if (mountNames.Count == 0)
        {
            mountNames.Add("root");
        }

        if (!v.TryGet("mounts", out IReadOnlyList<object>? _))
        {
            return; // the mounts' own errors are reported; names are unknown
        }

        IReadOnlyList<object> workloads = v.TryGet("workloads", out IReadOnlyList<object>? ws) && ws is not null ? ws : [];
        foreach (WorkloadConfig w in workloads.OfType<WorkloadConfig>())
        {
            if (w is FileWriteWorkloadConfig { Mount: { } mount } && !mountNames.Contains(mount))
            {
                ctx.Error(v.MarkOf("workloads"), v.PathOf("workloads"), $"filewrite names mount '{mount}', which `mounts` does not list");
            }

            if (w is DbMixWorkloadConfig { Mount: { } dbMount } && !mountNames.Contains(dbMount)) // dbmix
            {
                ctx.Error(v.MarkOf("workloads"), v.PathOf("workloads"), $"dbmix names mount '{dbMount}', which `mounts` does not list");
            }
        }

        FuseServerChecks.CheckMounts(v, ctx, [.. mounts.OfType<MountConfig>()], [.. workloads.OfType<WorkloadConfig>()]); // FUSE server (issue 9)
    }

    private static ScenarioConfig? Bind(FieldValues v, LoadContext ctx)
    {
        long durationNs = v.Get<long>("duration");
        long samplingNs = v.IsPresent("sampling_interval") ? v.Get<long>("sampling_interval") : Math.Min(SamplingIntervalDefaultNs, durationNs);
        if (samplingNs > durationNs)
        {
            return null; // reported by Check
        }

        MachineConfig machine = v.Get<MachineConfig>("machine");
        SysctlConfig sysctl = v.Get<SysctlConfig>("sysctl");

        string name = v.IsPresent("name") ? v.Get<string>("name") : ScenarioName.FromFileName(Path.GetFileNameWithoutExtension(ctx.File));
        return new ScenarioConfig(
            (int)v.Get<long>("version"),
            name,
            v.Get<string>("description"),
            v.Get<ulong>("seed"),
            (int)v.Get<long>("seeds"),
            durationNs,
            samplingNs,
            v.Get<KernelConfig>("kernel"),
            machine,
            sysctl,
            new ValueList<WorkloadConfig>(v.List<WorkloadConfig>("workloads")),
            v.Get<ValueList<PolicySwitch>>("policy"),
            v.Get<CgroupsConfig>("cgroups"),
            v.Get<SwapConfig>("swap"),
            new ValueList<MountConfig>(v.List<MountConfig>("mounts")));
    }
}
