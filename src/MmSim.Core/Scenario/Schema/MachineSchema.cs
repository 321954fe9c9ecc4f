using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>
/// Declarations of <c>machine</c>, <c>machine.zones[]</c> and <c>machine.cma[]</c>. Each zone and
/// CMA item checks itself; placing them against each other is <see cref="MachineLayout"/>'s job.
/// </summary>
internal static class MachineSchema
{
    private const long PfnMax = MachineConfig.PhysicalAddressEndMax / Units.PageSizeBytes;

    public static SectionDecl Zone { get; } = new(
        "machine.zones[]",
        "One zone. Zones are listed in the kernel's order (DMA, DMA32, Normal, Movable), each at most once, at ascending addresses. "
        + "DMA must end by 16MiB (MAX_DMA_PFN) and DMA32 by 4GiB (MAX_DMA32_PFN). A zone may start at any PFN and span any number of pages, "
        + "as /proc/zoneinfo's start_pfn and spanned; `machine.holes` inside its span make present smaller than spanned.",
        [
            new()
            {
                Name = "name", Kind = FieldKind.Choice, Choices = ZoneTypes.Names, Required = true,
                Doc = "zone type, as `/proc/zoneinfo` names it",
                Get = FieldDecl.Of<ZoneConfig>(z => z.Name),
            },
            new()
            {
                Name = "size", Kind = FieldKind.Size, Required = true, Min = Units.PageSizeBytes, MultipleOf = Units.PageSizeBytes,
                Doc = "memory the zone spans (spanned_pages × 4KiB), holes included; a whole number of pages",
                Get = FieldDecl.Of<ZoneConfig>(z => z.SizeBytes),
            },
            new()
            {
                Name = "start_pfn", Kind = FieldKind.Pfn, Min = 0, Max = PfnMax,
                DefaultDoc = "right after the previous zone (0 for the first)",
                Doc = "first PFN (zone_start_pfn), any PFN (the real DMA zone starts at 1); leave a gap or declare `machine.holes` for a hole such as the PCI hole below 4GiB",
                Get = FieldDecl.Of<ZoneConfig>(z => z.StartPfn),
            },
            new()
            {
                Name = "reserved", Kind = FieldKind.Size, Default = 0L,
                Doc = "memory at the bottom of the zone that is present but not managed (firmware, kernel image, memblock reservations): the zone's lowest present pages; managed = present - reserved",
                Get = FieldDecl.Of<ZoneConfig>(z => z.ReservedBytes),
            },
        ],
        BindZone);

    public static SectionDecl Hole { get; } = new(
        "machine.holes[]",
        "A PFN range without memory (not in memblock.memory): PFN 0, the legacy ISA hole below 1MiB, the PCI hole below 4GiB. "
        + "Holes are listed in ascending order and do not overlap. Their pages never reach the buddy allocator; where the 128MiB section "
        + "around them has memory they have a memory map (pfn_valid) and are PageReserved, as init_unavailable_range leaves them.",
        [
            new()
            {
                Name = "start_pfn", Kind = FieldKind.Pfn, Required = true, Min = 0, Max = PfnMax,
                Doc = "first PFN of the hole",
                Get = FieldDecl.Of<HoleConfig>(h => h.StartPfn),
            },
            new()
            {
                Name = "end_pfn", Kind = FieldKind.Pfn, Required = true, Min = 1, Max = PfnMax,
                Doc = "one past the last PFN of the hole",
                Get = FieldDecl.Of<HoleConfig>(h => h.EndPfn),
            },
        ],
        BindHole);

    public static SectionDecl Cma { get; } = new(
        "machine.cma[]",
        "One CMA area (contiguous memory allocator). It lies inside the managed part of its zone and does not overlap another area.",
        [
            new()
            {
                Name = "name", Kind = FieldKind.String, Required = true,
                Doc = "area name, as in `/sys/kernel/mm/cma/NAME`",
                Get = FieldDecl.Of<CmaConfig>(c => c.Name),
            },
            new()
            {
                Name = "size", Kind = FieldKind.Size, Required = true, Min = Units.PageblockSizeBytes, MultipleOf = Units.PageblockSizeBytes,
                Doc = "size of the area, a whole number of pageblocks (CMA_MIN_ALIGNMENT_BYTES)",
                Get = FieldDecl.Of<CmaConfig>(c => c.SizeBytes),
            },
            new()
            {
                Name = "zone", Kind = FieldKind.Choice, Choices = ZoneTypes.Names, Default = "Normal",
                Doc = "zone the area lies in; it must be in `zones`",
                Get = FieldDecl.Of<CmaConfig>(c => ZoneTypes.Name(c.Zone)),
            },
            new()
            {
                Name = "start_pfn", Kind = FieldKind.Pfn, Min = 0, Max = PfnMax,
                DefaultDoc = "the highest free pageblock-aligned range of the zone, below areas placed before it (memblock allocates top-down)",
                Doc = "first PFN of the area (cma->base_pfn), pageblock-aligned",
                Get = FieldDecl.Of<CmaConfig>(c => c.StartPfn),
            },
        ],
        BindCma);

    public static SectionDecl Machine { get; } = new(
        "machine",
        $"The simulated machine: x86-64, 4KiB pages, MAX_PAGE_ORDER {Mm.MmConstants.MaxPageOrder}, pageblock_order {Mm.MmConstants.PageblockOrder}. "
        + $"Total memory is limited to {Units.FormatSize(MachineConfig.TotalBytesMax)} and the highest address to "
        + $"{Units.FormatSize(MachineConfig.PhysicalAddressEndMax)}; both are checked before anything is allocated.",
        [
            new()
            {
                Name = "zones", Kind = FieldKind.SectionList, Section = Zone, Required = true,
                Doc = "the zones of node 0, lowest first",
                Get = FieldDecl.Of<MachineConfig>(m => m.Zones),
            },
            new()
            {
                Name = "cma", Kind = FieldKind.SectionList, Section = Cma, DefaultDoc = "none",
                Doc = "CMA areas",
                Get = FieldDecl.Of<MachineConfig>(m => m.Cma),
            },
            new()
            {
                Name = "holes", Kind = FieldKind.SectionList, Section = Hole, DefaultDoc = "none (every spanned page is present)",
                Doc = "memory holes, ascending",
                // Left out of the resolved scenario when empty, so machines without holes read and print as before.
                Get = FieldDecl.Of<MachineConfig>(m => m.Holes.Count == 0 ? null : (object)m.Holes),
            },
            new()
            {
                Name = "nodes", Kind = FieldKind.Int, Default = 1L,
                Check = v => (long)v == 1 ? null : $"mmsim models a single NUMA node for now, got {v}",
                RangeDoc = "1 (for now)",
                Doc = "NUMA nodes",
                Get = FieldDecl.Of<MachineConfig>(m => (long)m.Nodes),
            },
            new()
            {
                Name = "cpus", Kind = FieldKind.Int, Default = 1L,
                Check = v => (long)v == 1 ? null : $"mmsim models a single CPU for now, got {v}",
                RangeDoc = "1 (for now)",
                Doc = "CPUs (each has its per-cpu page lists)",
                Get = FieldDecl.Of<MachineConfig>(m => (long)m.Cpus),
            },
            new()
            {
                Name = "memory_block_size", Kind = FieldKind.Size, Default = Mm.MemoryHotplug.MemoryBlocks.DefaultBlockSizeBytes,
                Min = Units.PageblockSizeBytes, Max = 2L * Units.GiB,
                Check = v => long.IsPow2((long)v) ? null : $"must be a power of two, got {Units.FormatSize((long)v)}",
                RangeDoc = "a power of two, 2MiB..2GiB",
                Doc = "the unit of memory offlining and onlining (memory_block_size_bytes; x86-64: 128MiB, up to 2GiB on large machines)",
                Get = FieldDecl.Of<MachineConfig>(m => m.MemoryBlockSizeBytes),
            },
        ],
        MachineLayout.Bind);

    // Items bind to their own values: placement needs all of them at once, with positions for messages.
    private static FieldValues? BindZone(FieldValues v, LoadContext ctx)
    {
        bool ok = true;
        long size = v.Get<long>("size");
        long reserved = v.Get<long>("reserved");
        if (reserved >= size)
        {
            ctx.Error(v.MarkOf("reserved"), v.PathOf("reserved"), $"{Units.FormatSize(reserved)} reserved leaves nothing of the zone's {Units.FormatSize(size)} to manage; reserve less than the size");
            ok = false;
        }

        return ok ? v : null;
    }

    private static FieldValues? BindHole(FieldValues v, LoadContext ctx)
    {
        long start = v.Get<long>("start_pfn");
        long end = v.Get<long>("end_pfn");
        if (end <= start)
        {
            ctx.Error(v.MarkOf("end_pfn"), v.PathOf("end_pfn"), $"{Units.FormatPfn(end)} is not above start_pfn {Units.FormatPfn(start)}; end_pfn is one past the hole's last PFN");
            return null;
        }

        return v;
    }

    private static FieldValues? BindCma(FieldValues v, LoadContext ctx) => CheckAligned(v, ctx) ? v : null;

    // The buddy allocator and CMA work in whole pageblocks: a misaligned start would split one.
    private static bool CheckAligned(FieldValues v, LoadContext ctx)
    {
        if (v.Raw("start_pfn") is not long start || start % Mm.MmConstants.PageblockNrPages == 0)
        {
            return true;
        }

        long down = start - (start % Mm.MmConstants.PageblockNrPages);
        ctx.Error(v.MarkOf("start_pfn"), v.PathOf("start_pfn"),
            $"{Units.FormatPfn(start)} is not pageblock-aligned (a multiple of {Mm.MmConstants.PageblockNrPages} pages, 0x{Mm.MmConstants.PageblockNrPages:x}); did you mean {Units.FormatPfn(down)} or {Units.FormatPfn(down + Mm.MmConstants.PageblockNrPages)}?");
        return false;
    }
}
