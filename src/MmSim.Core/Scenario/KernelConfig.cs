using MmSim.Mm.PageAlloc;

namespace MmSim.Scenario;

/// <summary>Modelled kernel release and kernel-level switches (<c>kernel</c> section).</summary>
/// <param name="Release">Release whose behaviour is modelled: 6.12, 6.15, 6.16, 6.17 or 6.18 (<c>release</c>).</param>
/// <param name="Fallback">Fallback algorithm, <c>auto</c> resolved from the release (<c>fallback</c>).</param>
/// <param name="Pcp">Whether per-cpu page lists are modelled (<c>pcp</c>).</param>
/// <param name="PageOwner">Whether page_owner is on, which enables the "Number of mixed blocks" table (<c>page_owner</c>).</param>
/// <param name="Trace">Whether kmem tracepoint lines are written (<c>trace</c>).</param>
public sealed record KernelConfig(string Release, FallbackAlgorithm Fallback, bool Pcp, bool PageOwner, bool Trace)
{
    /// <summary>The <c>fallback</c> text of an algorithm: <c>v6.12</c> or <c>v6.15</c>.</summary>
    /// <param name="fallback">The algorithm.</param>
    /// <returns>The text.</returns>
    public static string FallbackName(FallbackAlgorithm fallback) => fallback == FallbackAlgorithm.V6_12 ? "v6.12" : "v6.15";
}
