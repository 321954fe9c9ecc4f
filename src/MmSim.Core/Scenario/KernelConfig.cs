using MmSim.Kernel.Designs;
using MmSim.Mm.PageAlloc;

namespace MmSim.Scenario;

/// <summary>Modelled kernel: the design, the switches in force, and kernel-level options (<c>kernel</c> section).</summary>
/// <param name="Design">Name of the design the switches start from (<c>design</c>, or <c>--design</c>).</param>
/// <param name="Switches">The switches in force, resolved: the design's, overridden by those the scenario writes (<see cref="SwitchOverrides"/>).</param>
/// <param name="Pcp">Whether per-cpu page lists are modelled (<c>pcp</c>).</param>
/// <param name="PageOwner">Whether page_owner is on, which enables the "Number of mixed blocks" table (<c>page_owner</c>).</param>
/// <param name="Trace">Whether kmem tracepoint lines are written (<c>trace</c>).</param>
public sealed record KernelConfig(string Design, KernelSwitches Switches, bool Pcp, bool PageOwner, bool Trace)
{
    /// <summary>Release whose behaviour is modelled: 6.12, 6.15, 6.16, 6.17 or 6.18 (<c>release</c>).</summary>
    public string Release => Switches.Release;

    /// <summary>Fallback algorithm in force (<c>fallback</c>, <c>auto</c> resolved from the release).</summary>
    public FallbackAlgorithm Fallback => Switches.FallbackInForce;

    // The FUSE writeback designs' numeric parameters (issue 9): not switches, the same under every design.

    /// <summary>wait-timeout's T: how long MIGRATE_SYNC waits on a flagged folio before failing it (<c>writeback_wait_timeout</c>).</summary>
    public long WritebackWaitTimeoutNs { get; init; } = Mm.Writeback.WritebackDesign.Mainline.WaitTimeoutNs;

    /// <summary>cancel-writeback's T: how long a waiter waits before the filesystem cancels the writeback (<c>writeback_cancel_after</c>).</summary>
    public long WritebackCancelAfterNs { get; init; } = Mm.Writeback.WritebackDesign.Mainline.CancelAfterNs;

    /// <summary>temp-pages-pool's pool size in bytes (<c>fuse_temp_pool</c>).</summary>
    public long FuseTempPoolBytes { get; init; } = Mm.Writeback.WritebackDesign.Mainline.TempPoolPages * Units.PageSizeBytes;

    /// <summary>The writeback-design switches and parameters as the kernel reads them.</summary>
    public Mm.Writeback.WritebackDesign WritebackDesign =>
        Switches.WritebackDesign(WritebackWaitTimeoutNs, WritebackCancelAfterNs, FuseTempPoolBytes / Units.PageSizeBytes);

    /// <summary>The <c>fallback</c> text of an algorithm: <c>v6.12</c> or <c>v6.15</c>.</summary>
    /// <param name="fallback">The algorithm.</param>
    /// <returns>The text.</returns>
    public static string FallbackName(FallbackAlgorithm fallback) => KernelSwitches.FallbackText(fallback);
}
