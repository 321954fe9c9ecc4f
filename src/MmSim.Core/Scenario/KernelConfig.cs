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

    /// <summary>The <c>fallback</c> text of an algorithm: <c>v6.12</c> or <c>v6.15</c>.</summary>
    /// <param name="fallback">The algorithm.</param>
    /// <returns>The text.</returns>
    public static string FallbackName(FallbackAlgorithm fallback) => KernelSwitches.FallbackText(fallback);
}
