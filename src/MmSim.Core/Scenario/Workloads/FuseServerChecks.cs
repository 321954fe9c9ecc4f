namespace MmSim.Scenario;

/// <summary>Cross-section checks of <c>fuse_server</c> workloads against <c>mounts</c> (issue 9).</summary>
internal static class FuseServerChecks
{
    /// <summary>The <c>fs</c> value of a FUSE mount.</summary>
    public const string FuseFs = "fuse";

    /// <summary>
    /// A server's <c>mount</c> is a listed FUSE mount served by no other server (only the process that
    /// mounted it holds its /dev/fuse fd); its backing mount is a listed mount that is not FUSE (a server
    /// writing into a FUSE mount would wait on another server, or on itself).
    /// </summary>
    /// <param name="v">The scenario's fields.</param>
    /// <param name="ctx">Where errors go.</param>
    /// <param name="mounts">The declared mounts (empty: the default ext4 mount `root`).</param>
    /// <param name="workloads">The workloads.</param>
    public static void CheckMounts(FieldValues v, LoadContext ctx, IReadOnlyList<MountConfig> mounts, IReadOnlyList<WorkloadConfig> workloads)
    {
        var served = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < workloads.Count; i++)
        {
            if (workloads[i] is not FuseServerWorkloadConfig s)
            {
                continue;
            }

            string path = v.PathOf("workloads") + $"[{i}]";
            MountConfig? mount = Find(mounts, s.Mount);
            if (mount is null || mount.Fs != FuseFs)
            {
                string fuse = string.Join(", ", mounts.Where(m => m.Fs == FuseFs).Select(m => m.Name));
                string why = mount is null ? "which `mounts` does not list" : $"which is {mount.Fs}";
                ctx.Error(v.MarkOf("workloads"), path + ".mount", $"fuse_server serves mount '{s.Mount}', {why}; it needs a mount with `fs: fuse` ({(fuse.Length == 0 ? "none is declared" : "declared: " + fuse)})");
            }
            else if (!served.Add(s.Mount))
            {
                ctx.Error(v.MarkOf("workloads"), path + ".mount", $"mount '{s.Mount}' already has a fuse_server; one process holds its /dev/fuse");
            }

            CheckBacking(v, ctx, mounts, s, path);
        }
    }

    private static void CheckBacking(FieldValues v, LoadContext ctx, IReadOnlyList<MountConfig> mounts, FuseServerWorkloadConfig s, string path)
    {
        if (s.BackingMount is null)
        {
            if (mounts.Count > 0 && mounts.All(m => m.Fs == FuseFs))
            {
                ctx.Error(v.MarkOf("workloads"), path + ".backing_mount", "every mount is FUSE; declare a mount (ext4, xfs, tmpfs) for the server's backing file");
            }

            return;
        }

        MountConfig? backing = Find(mounts, s.BackingMount);
        if (backing is null && !(mounts.Count == 0 && s.BackingMount == "root"))
        {
            ctx.Error(v.MarkOf("workloads"), path + ".backing_mount", $"fuse_server names backing mount '{s.BackingMount}', which `mounts` does not list");
        }
        else if (backing?.Fs == FuseFs)
        {
            ctx.Error(v.MarkOf("workloads"), path + ".backing_mount", $"'{s.BackingMount}' is a FUSE mount; the backing file needs ext4, xfs or tmpfs");
        }
    }

    private static MountConfig? Find(IReadOnlyList<MountConfig> mounts, string name)
    {
        foreach (MountConfig m in mounts)
        {
            if (m.Name == name)
            {
                return m;
            }
        }

        return null;
    }
}
