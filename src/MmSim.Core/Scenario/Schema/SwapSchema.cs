namespace MmSim.Scenario;

/// <summary>Declaration of the <c>swap</c> section (anon, issue 8) and its binding to <see cref="SwapConfig"/>.</summary>
internal static class SwapSchema
{
    // MAX_SWAPFILES_SHIFT aside, mmsim keeps a slot index in an int page-table entry.
    private const long SizeBytesMax = (long)(int.MaxValue - 3) * Units.PageSizeBytes;

    public static SectionDecl Decl { get; } = new(
        "swap",
        "One swap device (a swap partition after `swapon`): anonymous folios that reclaim evicts are written to it and read back "
        + "on fault. Requests take `latency` plus their transfer time at `bandwidth`; transfers are serialised.",
        [
            new()
            {
                Name = "size", Kind = FieldKind.Size, Default = 0L, Min = 0, Max = SizeBytesMax,
                Doc = "size of the device (total_swap_pages × 4KiB); 0 means no swap, the default",
                Get = FieldDecl.Of<SwapConfig>(s => s.SizeBytes),
            },
            new()
            {
                Name = "latency", Kind = FieldKind.Duration, Default = Mm.Swap.SwapSpec.DefaultLatencyNs, Min = 0, Max = Units.NsPerS,
                Doc = "time each read or write takes beside its transfer",
                Get = FieldDecl.Of<SwapConfig>(s => s.LatencyNs),
            },
            new()
            {
                Name = "bandwidth", Kind = FieldKind.Size, Default = Mm.Swap.SwapSpec.DefaultBytesPerSec, Min = Units.PageSizeBytes, Max = 1L << 40,
                Doc = "bytes per second the device transfers",
                Get = FieldDecl.Of<SwapConfig>(s => s.BandwidthBytes),
            },
        ],
        Bind);

    private static SwapConfig Bind(FieldValues v, LoadContext ctx)
    {
        _ = ctx;
        return new SwapConfig(v.Get<long>("size"), v.Get<long>("latency"), v.Get<long>("bandwidth"));
    }
}
