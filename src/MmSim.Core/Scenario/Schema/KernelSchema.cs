using MmSim.Kernel.Designs;

namespace MmSim.Scenario;

/// <summary>Declaration of the <c>kernel</c> section and its binding to <see cref="KernelConfig"/>.</summary>
/// <remarks>
/// The switch keys come from <see cref="KernelSwitches.All"/>: they have no fixed default, because
/// an absent switch is the design's. Whether the file wrote one is what <see cref="FieldValues.IsPresent"/> tells.
/// </remarks>
internal static class KernelSchema
{
    // A day: longer design timeouts are as good as none, and keep deadlines far from overflow.
    private const long DesignParamMaxNs = 86_400L * Sim.SimTime.NsPerSec;

    public static SectionDecl Decl { get; } = new(
        "kernel",
        "Which kernel to model: a design (a named set of switches, listed by `mmsim designs` and in docs/designs.md), "
        + "then the switches the scenario sets itself, which override the design's. `auto` follows the release in force. "
        + "`mmsim run --design` replaces `design` and keeps the switches that change the scenario's own design.",
        [
            new()
            {
                Name = "design", Kind = FieldKind.Choice, Choices = Designs.Names, Default = Designs.DefaultName,
                UnknownChoice = Designs.UnknownMessage,
                Doc = "named set of switches to start from; the keys below that the file gives override it",
                Get = FieldDecl.Of<KernelConfig>(k => k.Design),
            },
            .. KernelSwitches.All.Select(SwitchField),
            // Designs (issue 9): the numeric parameters of the writeback designs.
            new()
            {
                Name = "writeback_wait_timeout", Kind = FieldKind.Duration, Default = Mm.Writeback.WritebackDesign.Mainline.WaitTimeoutNs, Min = 1, Max = DesignParamMaxNs,
                Doc = "`migrate_writeback: timeout` (the wait-timeout design): how long MIGRATE_SYNC waits on a flagged folio under writeback before failing it with -EBUSY",
                Get = FieldDecl.Of<KernelConfig>(k => k.WritebackWaitTimeoutNs),
            },
            new()
            {
                Name = "writeback_cancel_after", Kind = FieldKind.Duration, Default = Mm.Writeback.WritebackDesign.Mainline.CancelAfterNs, Min = 1, Max = DesignParamMaxNs,
                Doc = "`migrate_writeback: cancel` (the cancel-writeback design): how long MIGRATE_SYNC waits before the filesystem ends the writeback and redirties the folio",
                Get = FieldDecl.Of<KernelConfig>(k => k.WritebackCancelAfterNs),
            },
            new()
            {
                Name = "fuse_temp_pool", Kind = FieldKind.Size, Default = Mm.Writeback.WritebackDesign.Mainline.TempPoolPages * Units.PageSizeBytes,
                Min = Units.PageSizeBytes, Max = Units.GiB * 64,
                Doc = "`fuse_writeback: temp-pool` (the temp-pages-pool design): size of the contiguous pool FUSE's temp pages come from",
                Get = FieldDecl.Of<KernelConfig>(k => k.FuseTempPoolBytes),
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
                Doc = "write the kmem tracepoint lines to trace.txt (`mm_page_alloc`, `mm_page_free`, `mm_page_alloc_zone_locked`, `mm_page_pcpu_drain`, `mm_page_alloc_extfrag`, …), which `mmsim trace import` turns into an op script",
                Get = FieldDecl.Of<KernelConfig>(k => k.Trace),
            },
        ],
        Bind);

    // A switch is written resolved (never `auto`), so a resolved config pins every switch.
    private static FieldDecl SwitchField(KernelSwitch s) => new()
    {
        Name = s.Name, Kind = FieldKind.Choice, Choices = s.Choices, UnknownChoice = s.UnknownMessage,
        DefaultDoc = "the design's",
        Doc = s.Doc,
        Get = FieldDecl.Of<KernelConfig>(k => s.Text(k.Switches)),
    };

    private static KernelConfig Bind(FieldValues v, LoadContext ctx)
    {
        // The field accepts registered names only, so the lookup cannot fail here.
        Design written = Designs.Get(v.Get<string>("design"));
        Design design = ctx.Design ?? written;
        var overrides = new SwitchOverrides(KernelSwitches.All.Where(s => v.IsPresent(s.Name)).Select(s => (s, v.Get<string>(s.Name))));
        return new KernelConfig(design.Name, overrides.Resolve(written, design), v.Get<bool>("pcp"), v.Get<bool>("page_owner"), v.Get<bool>("trace"))
        {
            WritebackWaitTimeoutNs = v.Get<long>("writeback_wait_timeout"),
            WritebackCancelAfterNs = v.Get<long>("writeback_cancel_after"),
            FuseTempPoolBytes = v.Get<long>("fuse_temp_pool"),
        };
    }
}
