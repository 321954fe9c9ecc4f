using MmSim.Block;
using MmSim.Fs;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.Writeback;

/// <summary>A kernel with mounts and writeback sysctls for the writeback tests, and writer tasks.</summary>
internal sealed class WritebackRig
{
    public const long Ms = SimTime.NsPerMs;

    public WritebackRig(IReadOnlyList<MountSpec>? mounts = null, WritebackSysctl? sysctl = null, long normalPages = 1 << 15, ulong seed = 1, WritebackDesign? design = null)
    {
        Kernel = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, normalPages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions(),
                Compact = _ => NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                Writeback = sysctl ?? new WritebackSysctl(),
                Mounts = mounts ?? [],
                WritebackDesign = design ?? WritebackDesign.Mainline,
            },
            seed);
    }

    public LinuxKernel Kernel { get; }

    public PageCache Cache => Kernel.PageCache;

    public long NodeStat(NodeStatItem item) => Kernel.Node.VmStat[(int)item];

    public static MountSpec Mount(string name, BlockDeviceParams dev, bool strict = false, int maxRatio = 100, bool stable = false) =>
        new(name, FsType.Ext4, dev, MinRatioPercent: 0, MaxRatioPercent: maxRatio, StrictLimit: strict, StableWrites: stable);

    public static BlockDeviceParams Dev(string name, long bandwidth = 500L << 20, long latencyNs = 100_000, bool never = false) =>
        new(name, LatencyNs: latencyNs, BandwidthBytesPerSec: bandwidth, NeverCompletes: never);

    /// <summary>A task writing <paramref name="pages"/> pages of <paramref name="file"/> in order, <paramref name="gapNs"/> apart.</summary>
    public IEnumerable<Wait> Writer(CachedFile file, long pages, long gapNs = 0, long first = 0)
    {
        var stats = new Mm.AllocTally();
        for (long i = 0; i < pages; i++)
        {
            yield return Wait.Call(Cache.Write(file, (first + i) % file.NrPages, stats));
            if (gapNs > 0)
            {
                yield return Wait.Sleep(gapNs);
            }
        }
    }

    public void Verify(string context) => KernelChecker.Verify(Kernel, context);
}
