// Writeback (issue 8): a scenario's mounts and vm.dirty_* sysctls as the kernel boots them.
using MmSim.Block;
using MmSim.Fs;
using MmSim.Mm.Writeback;
using MmSim.Scenario;

namespace MmSim.Runs;

/// <summary>The writeback part of <see cref="KernelFromConfig.Params"/>.</summary>
public static class WritebackParams
{
    /// <summary>The vm.dirty_* sysctls of a scenario.</summary>
    /// <param name="config">The resolved scenario.</param>
    /// <returns>The sysctls.</returns>
    public static WritebackSysctl Sysctl(ScenarioConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Sysctl(config.Sysctl);
    }

    /// <summary>The vm.dirty_* sysctls of a scenario's sysctl section (null: the kernel defaults).</summary>
    /// <param name="s">The section, or null.</param>
    /// <returns>The sysctls.</returns>
    public static WritebackSysctl Sysctl(SysctlConfig? s)
    {
        if (s is null)
        {
            return new WritebackSysctl();
        }

        return new WritebackSysctl
        {
            DirtyRatio = s.DirtyRatio,
            DirtyBackgroundRatio = s.DirtyBackgroundRatio,
            DirtyBytes = s.DirtyBytes,
            DirtyBackgroundBytes = s.DirtyBackgroundBytes,
            DirtyExpireCentisecs = s.DirtyExpireCentisecs,
            DirtyWritebackCentisecs = s.DirtyWritebackCentisecs,
        };
    }

    /// <summary>The mounts of a scenario, the default first.</summary>
    /// <param name="config">The resolved scenario.</param>
    /// <returns>Mount specs (empty: the kernel's default mount).</returns>
    public static IReadOnlyList<MountSpec> Mounts(ScenarioConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var list = new List<MountSpec>();
        if (config.Mounts is null)
        {
            return list;
        }

        foreach (MountConfig m in config.Mounts)
        {
            if (m.Fs == "fuse")
            {
                list.Add(FuseMount(m)); // fuse (issue 9)
                continue;
            }

            FsType type = m.Fs switch { "xfs" => FsType.Xfs, "tmpfs" => FsType.Tmpfs, _ => FsType.Ext4 };
            string dev = m.Device.Length > 0 ? m.Device : "sd" + (char)('a' + Math.Min(25, list.Count));
            var device = new BlockDeviceParams(
                dev,
                m.QueueDepth,
                m.LatencyNs,
                m.BandwidthBytesPerSec,
                m.NrRequests,
                NeverCompletes: m.Fault == "never",
                StallFromNs: m.Fault == "stall" ? m.StallFromNs : -1,
                StallUntilNs: m.Fault == "stall" ? m.StallUntilNs : -1);
            list.Add(new MountSpec(m.Name, type, device, m.LargeFolios, m.MinRatio, m.MaxRatio, m.StrictLimit, m.StableWrites));
        }

        return list;
    }

    // fuse (issue 9): a FUSE mount has no device; its connection's parameters come from the fuse map.
    private static MountSpec FuseMount(MountConfig m)
    {
        FuseMountConfig f = m.Fuse ?? new FuseMountConfig(12, 9, 32, true, 0);
        var options = new FuseMountOptions
        {
            MaxBackground = f.MaxBackground,
            CongestionThreshold = f.CongestionThreshold,
            MaxPages = f.MaxPages,
            WritebackCache = f.WritebackCache,
            RequestTimeoutSecs = f.RequestTimeoutSecs,
        };
        return new MountSpec(m.Name, FsType.Fuse, null, m.LargeFolios, m.MinRatio, m.MaxRatio, m.StrictLimit, m.StableWrites, options);
    }

    /// <summary>fs.fuse sysctls (6.15+) of a scenario (fuse, issue 9).</summary>
    /// <param name="config">The resolved scenario.</param>
    /// <returns>The sysctls.</returns>
    public static Fs.Fuse.FuseSysctl FuseSysctl(ScenarioConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Fs.Fuse.FuseSysctl
        {
            DefaultRequestTimeoutSecs = config.Sysctl.FuseDefaultRequestTimeoutSecs,
            MaxRequestTimeoutSecs = config.Sysctl.FuseMaxRequestTimeoutSecs,
        };
    }
}
