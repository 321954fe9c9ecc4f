using MmSim.Mm.PageAlloc;

namespace MmSim.Scenario;

/// <summary>Declaration of the <c>kernel</c> section and its binding to <see cref="KernelConfig"/>.</summary>
internal static class KernelSchema
{
    /// <summary>Releases whose behaviour mmsim knows; later entries are newer.</summary>
    public static IReadOnlyList<string> Releases { get; } = ["6.12", "6.15", "6.16", "6.17", "6.18"];

    public static SectionDecl Decl { get; } = new(
        "kernel",
        "Which kernel's behaviour to model. Behaviours that changed between releases follow `release` unless set explicitly.",
        [
            new()
            {
                Name = "release", Kind = FieldKind.Choice, Choices = Releases, Default = "6.18",
                Doc = "mainline release whose behaviour is modelled",
                Get = FieldDecl.Of<KernelConfig>(k => k.Release),
            },
            new()
            {
                Name = "fallback", Kind = FieldKind.Choice, Choices = ["auto", "v6.12", "v6.15"], Default = "auto",
                DefaultDoc = "`auto`: `v6.12` for release 6.12, else `v6.15`",
                Doc = "page-allocator fallback: `v6.12` (`__rmqueue_fallback` steals and may claim the block) or `v6.15` (`__rmqueue_claim` then `__rmqueue_steal`)",
                Get = FieldDecl.Of<KernelConfig>(k => KernelConfig.FallbackName(k.Fallback)),
            },
            new()
            {
                Name = "pcp", Kind = FieldKind.Bool, Default = true,
                Doc = "model the per-cpu page lists (`struct per_cpu_pages`) in front of the buddy allocator",
                Get = FieldDecl.Of<KernelConfig>(k => k.Pcp),
            },
            new()
            {
                Name = "page_owner", Kind = FieldKind.Bool, Default = true,
                Doc = "page_owner is on, which enables the \"Number of mixed blocks\" table of `/proc/pagetypeinfo`",
                Get = FieldDecl.Of<KernelConfig>(k => k.PageOwner),
            },
            new()
            {
                Name = "trace", Kind = FieldKind.Bool, Default = false,
                Doc = "write kmem tracepoint lines (`mm_page_alloc`, `mm_page_alloc_extfrag`, …)",
                Get = FieldDecl.Of<KernelConfig>(k => k.Trace),
            },
        ],
        Bind);

    private static KernelConfig Bind(FieldValues v, LoadContext ctx)
    {
        string release = v.Get<string>("release");
        FallbackAlgorithm fallback = v.Get<string>("fallback") switch
        {
            "v6.12" => FallbackAlgorithm.V6_12,
            "v6.15" => FallbackAlgorithm.V6_15,
            // The claim/steal split was merged for 6.15.
            _ => release == "6.12" ? FallbackAlgorithm.V6_12 : FallbackAlgorithm.V6_15,
        };
        return new KernelConfig(release, fallback, v.Get<bool>("pcp"), v.Get<bool>("page_owner"), v.Get<bool>("trace"));
    }
}
