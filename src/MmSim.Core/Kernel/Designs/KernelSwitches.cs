using MmSim.Mm.PageAlloc;

namespace MmSim.Kernel.Designs;

/// <summary>
/// The switches a design sets: every kernel behaviour that differs between the designs mmsim
/// compares, as plain values (a release, an algorithm, mechanism implementations by name).
/// </summary>
/// <remarks>
/// Adding a switch is one property below, whose initial value is what every existing design does,
/// and its line in <see cref="All"/>; the scenario key, the resolved config, the override rule and
/// <c>mmsim designs</c> follow from that line. A design that changes the switch says so in its
/// entry of <see cref="Designs.All"/>.
/// </remarks>
public sealed record KernelSwitches
{
    /// <summary>Releases whose behaviour mmsim knows, oldest first.</summary>
    public static IReadOnlyList<string> Releases { get; } = ["6.12", "6.15", "6.16", "6.17", "6.18"];

    /// <summary>Mainline release whose behaviour is modelled, one of <see cref="Releases"/>; behaviours that changed between releases follow it.</summary>
    public required string Release { get; init; }

    /// <summary>Page-allocator fallback algorithm; null (<c>auto</c>) for the release's own, <see cref="FallbackOf"/>.</summary>
    public FallbackAlgorithm? Fallback { get; init; }

    /// <summary>Compaction mechanism by name (<see cref="Mechanisms.Compaction"/>).</summary>
    public string Compaction { get; init; } = "none";

    /// <summary>Reclaim mechanism by name (<see cref="Mechanisms.Reclaim"/>).</summary>
    public string Reclaim { get; init; } = "none";

    /// <summary>Every switch, in the order scenarios and resolved configs write them under <c>kernel</c>.</summary>
    public static IReadOnlyList<KernelSwitch> All { get; } =
    [
        new("release", "mainline release whose behaviour is modelled", Releases, s => s.Release, (s, v) => s with { Release = v }),
        new("fallback", "page-allocator fallback: `v6.12` (`__rmqueue_fallback` steals and may claim the block), `v6.15` (`__rmqueue_claim` then `__rmqueue_steal`), or `auto`: the release's (`v6.12` for 6.12, else `v6.15`)",
            ["auto", "v6.12", "v6.15"], s => FallbackText(s.Fallback), (s, v) => s with { Fallback = ParseFallback(v) }),
        new("compaction", "compaction mechanism (mm/compaction.c) by implementation name", Mechanisms.Compaction.Names, s => s.Compaction, (s, v) => s with { Compaction = v }, Mechanisms.Compaction.UnknownMessage),
        new("reclaim", "reclaim mechanism (mm/vmscan.c) by implementation name", Mechanisms.Reclaim.Names, s => s.Reclaim, (s, v) => s with { Reclaim = v }, Mechanisms.Reclaim.UnknownMessage),
    ];

    /// <summary>The fallback algorithm in force: <see cref="Fallback"/>, or the release's own when it is <c>auto</c>.</summary>
    public FallbackAlgorithm FallbackInForce => Fallback ?? FallbackOf(Release);

    /// <summary>The fallback algorithm a release shipped with.</summary>
    /// <param name="release">One of <see cref="Releases"/>.</param>
    /// <returns><see cref="FallbackAlgorithm.V6_12"/> for 6.12, else <see cref="FallbackAlgorithm.V6_15"/>.</returns>
    /// <remarks>The claim/steal split was merged for 6.15 (and reached 6.12 only in 6.12.29 stable).</remarks>
    public static FallbackAlgorithm FallbackOf(string release) => release == "6.12" ? FallbackAlgorithm.V6_12 : FallbackAlgorithm.V6_15;

    /// <summary>The <c>fallback</c> word of an algorithm: <c>v6.12</c>, <c>v6.15</c>, or <c>auto</c> for null.</summary>
    /// <param name="fallback">The algorithm, or null for the release's.</param>
    /// <returns>The word.</returns>
    public static string FallbackText(FallbackAlgorithm? fallback) => fallback switch
    {
        null => "auto",
        FallbackAlgorithm.V6_12 => "v6.12",
        _ => "v6.15",
    };

    /// <summary>The switches with every <c>auto</c> value replaced by what it stands for, as a run uses them.</summary>
    /// <returns>A copy in which <see cref="Fallback"/> is set.</returns>
    public KernelSwitches Resolved() => this with { Fallback = FallbackInForce };

    /// <summary>The switches whose value differs between two sets, compared as text after both are resolved.</summary>
    /// <param name="other">The other set (e.g. a design's).</param>
    /// <returns>Each differing switch with its value here and in <paramref name="other"/>, in <see cref="All"/> order.</returns>
    public IReadOnlyList<(KernelSwitch Switch, string Value, string OtherValue)> Differences(KernelSwitches other)
    {
        ArgumentNullException.ThrowIfNull(other);
        KernelSwitches a = Resolved(), b = other.Resolved();
        return [.. All.Where(s => s.Text(a) != s.Text(b)).Select(s => (s, s.Text(a), s.Text(b)))];
    }

    private static FallbackAlgorithm? ParseFallback(string text) => text switch
    {
        "v6.12" => FallbackAlgorithm.V6_12,
        "v6.15" => FallbackAlgorithm.V6_15,
        _ => null,
    };
}
