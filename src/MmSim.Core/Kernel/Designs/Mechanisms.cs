using MmSim.Mm.Compaction;
using MmSim.Mm.Vmscan;

namespace MmSim.Kernel.Designs;

/// <summary>
/// The registries of the mechanisms a design chooses by name (<see cref="KernelSwitches.Compaction"/>,
/// <see cref="KernelSwitches.Reclaim"/>); migration, writeback and FUSE join as they land.
/// </summary>
public static class Mechanisms
{
    /// <summary>Implementations of <see cref="ICompact"/> (mm/compaction.c), e.g. <c>none</c>.</summary>
    public static ImplRegistry<ICompact> Compaction { get; } = ImplRegistry<ICompact>.Scan("compaction");

    /// <summary>Implementations of <see cref="IReclaim"/> (mm/vmscan.c), e.g. <c>none</c>.</summary>
    public static ImplRegistry<IReclaim> Reclaim { get; } = ImplRegistry<IReclaim>.Scan("reclaim");
}
