using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm.Filemap;
using MmSim.Scenario;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>fuse_server</c> workload: the <see cref="FuseServer"/> of a FUSE mount, with its backing file.</summary>
/// <param name="config">The resolved workload.</param>
internal sealed class FuseServerWorkload(FuseServerWorkloadConfig config) : ITimedWorkload
{
    /// <summary>The running server (null before <see cref="Start"/>).</summary>
    public FuseServer? Server { get; private set; }

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    /// <summary>Finds the mount's connection, opens the backing file and starts the server's threads.</summary>
    /// <param name="ctx">The run.</param>
    /// <exception cref="InvalidOperationException">The mount is not FUSE, or no mount can hold the backing file.</exception>
    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        LinuxKernel kernel = ctx.Kernel;
        FuseConn conn = kernel.FuseConnection(config.Mount)
            ?? throw new InvalidOperationException($"fuse_server: mount '{config.Mount}' is not a FUSE mount");
        string backingMount = config.BackingMount ?? FirstBlockMount(kernel)
            ?? throw new InvalidOperationException("fuse_server: every mount is FUSE; the backing file needs another");
        CachedFile backing = kernel.OpenFile(backingMount, $"fuse-backing-{config.Mount}", config.BackingSizeBytes / Units.PageSizeBytes);
        Server = new FuseServer(ctx, conn, config, backing, Stats);
        Server.Start();
    }

    /// <inheritdoc/>
    public void Finish(long nowNs) => Server?.Finish(nowNs);

    private static string? FirstBlockMount(LinuxKernel kernel)
    {
        foreach (SuperBlock sb in kernel.Fs.Supers)
        {
            if (sb.Spec.Type != FsType.Fuse)
            {
                return sb.Name;
            }
        }

        return null;
    }
}
