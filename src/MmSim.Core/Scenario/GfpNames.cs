using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MmSim.Scenario;

/// <summary>
/// GFP flag bits and the composite masks built from them, with the values of Linux 6.18
/// (include/linux/gfp_types.h), and a parser for <c>|</c>-expressions such as
/// <c>GFP_KERNEL|__GFP_RECLAIMABLE</c>. This is the only table of GFP values in mmsim:
/// the allocator uses these constants directly.
/// </summary>
/// <remarks>
/// Bit 9 (<c>___GFP_UNUSED_BIT</c> region in some configs) and the debug-only bits above
/// <c>__GFP_ZEROTAGS</c> (<c>__GFP_SKIP_ZERO</c>, <c>__GFP_SKIP_KASAN</c>, <c>__GFP_NOLOCKDEP</c>,
/// <c>__GFP_NO_OBJ_EXT</c>) are not modelled and therefore not accepted.
/// </remarks>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Kernel names, so that code reads like include/linux/gfp_types.h.")]
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Kernel names, so that code reads like include/linux/gfp_types.h.")]
public static class GfpNames
{
    /// <summary>Allocate from ZONE_DMA.</summary>
    public const uint __GFP_DMA = 0x01;

    /// <summary>Allocate from ZONE_HIGHMEM (no such zone on x86-64; the zone fallback ignores it).</summary>
    public const uint __GFP_HIGHMEM = 0x02;

    /// <summary>Allocate from ZONE_DMA32.</summary>
    public const uint __GFP_DMA32 = 0x04;

    /// <summary>The page can be migrated (MIGRATE_MOVABLE).</summary>
    public const uint __GFP_MOVABLE = 0x08;

    /// <summary>The page can be reclaimed (MIGRATE_RECLAIMABLE).</summary>
    public const uint __GFP_RECLAIMABLE = 0x10;

    /// <summary>High priority: may use part of the reserves below the min watermark.</summary>
    public const uint __GFP_HIGH = 0x20;

    /// <summary>May start physical I/O.</summary>
    public const uint __GFP_IO = 0x40;

    /// <summary>May call into the filesystem.</summary>
    public const uint __GFP_FS = 0x80;

    /// <summary>Return a zeroed page.</summary>
    public const uint __GFP_ZERO = 0x100;

    /// <summary>May enter direct reclaim.</summary>
    public const uint __GFP_DIRECT_RECLAIM = 0x400;

    /// <summary>Wakes kswapd when the low watermark is reached.</summary>
    public const uint __GFP_KSWAPD_RECLAIM = 0x800;

    /// <summary>The caller intends to dirty the page (dirty-limit spreading).</summary>
    public const uint __GFP_WRITE = 0x1000;

    /// <summary>Suppress allocation-failure reports.</summary>
    public const uint __GFP_NOWARN = 0x2000;

    /// <summary>Retry hard, but fail rather than OOM-kill.</summary>
    public const uint __GFP_RETRY_MAYFAIL = 0x4000;

    /// <summary>Retry forever; the allocation cannot fail.</summary>
    public const uint __GFP_NOFAIL = 0x8000;

    /// <summary>Give up after a light attempt at reclaim/compaction.</summary>
    public const uint __GFP_NORETRY = 0x10000;

    /// <summary>May use all reserves (memory-freeing context).</summary>
    public const uint __GFP_MEMALLOC = 0x20000;

    /// <summary>Make a compound page (folio).</summary>
    public const uint __GFP_COMP = 0x40000;

    /// <summary>Never use the emergency reserves.</summary>
    public const uint __GFP_NOMEMALLOC = 0x80000;

    /// <summary>Enforce the cpuset's memory policy strictly.</summary>
    public const uint __GFP_HARDWALL = 0x100000;

    /// <summary>No fallback to other nodes.</summary>
    public const uint __GFP_THISNODE = 0x200000;

    /// <summary>Charge to the memory cgroup (kmemcg).</summary>
    public const uint __GFP_ACCOUNT = 0x400000;

    /// <summary>Zero memory tags too (arm64 MTE).</summary>
    public const uint __GFP_ZEROTAGS = 0x800000;

    /// <summary>Direct reclaim and waking kswapd.</summary>
    public const uint __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;

    /// <summary>Cannot sleep, may use reserves.</summary>
    public const uint GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;

    /// <summary>Typical kernel-internal allocation.</summary>
    public const uint GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;

    /// <summary><see cref="GFP_KERNEL"/> charged to the memory cgroup.</summary>
    public const uint GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;

    /// <summary>Cannot sleep, no reserves.</summary>
    public const uint GFP_NOWAIT = __GFP_KSWAPD_RECLAIM | __GFP_NOWARN;

    /// <summary>May reclaim but not start I/O.</summary>
    public const uint GFP_NOIO = __GFP_RECLAIM;

    /// <summary>May reclaim and do I/O but not call into the filesystem.</summary>
    public const uint GFP_NOFS = __GFP_RECLAIM | __GFP_IO;

    /// <summary>User-space allocation the kernel also accesses directly.</summary>
    public const uint GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;

    /// <summary>ZONE_DMA allocation.</summary>
    public const uint GFP_DMA = __GFP_DMA;

    /// <summary>ZONE_DMA32 allocation.</summary>
    public const uint GFP_DMA32 = __GFP_DMA32;

    /// <summary>User-space allocation that may live in high memory.</summary>
    public const uint GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;

    /// <summary>Movable user-space allocation (anonymous memory, page cache).</summary>
    public const uint GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;

    /// <summary>THP allocation that does not reclaim (khugepaged-less fault path).</summary>
    public const uint GFP_TRANSHUGE_LIGHT = (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM;

    /// <summary>THP allocation that may direct-reclaim and compact.</summary>
    public const uint GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM;

    // Longest expression accepted; longer text is certainly not a hand-written GFP mask.
    private const int ExpressionLengthMax = 1024;

    /// <summary>
    /// Every name the parser accepts, in the order of include/trace/events/mmflags.h
    /// (<c>__def_gfpflag_names</c>): composites first, then single bits. <see cref="Format"/>
    /// relies on that order.
    /// </summary>
    public static IReadOnlyList<(string Name, uint Mask)> All { get; } =
    [
        (nameof(GFP_TRANSHUGE), GFP_TRANSHUGE),
        (nameof(GFP_TRANSHUGE_LIGHT), GFP_TRANSHUGE_LIGHT),
        (nameof(GFP_HIGHUSER_MOVABLE), GFP_HIGHUSER_MOVABLE),
        (nameof(GFP_HIGHUSER), GFP_HIGHUSER),
        (nameof(GFP_USER), GFP_USER),
        (nameof(GFP_KERNEL_ACCOUNT), GFP_KERNEL_ACCOUNT),
        (nameof(GFP_KERNEL), GFP_KERNEL),
        (nameof(GFP_NOFS), GFP_NOFS),
        (nameof(GFP_ATOMIC), GFP_ATOMIC),
        (nameof(GFP_NOIO), GFP_NOIO),
        (nameof(GFP_NOWAIT), GFP_NOWAIT),
        (nameof(GFP_DMA), GFP_DMA),
        (nameof(__GFP_HIGHMEM), __GFP_HIGHMEM),
        (nameof(GFP_DMA32), GFP_DMA32),
        (nameof(__GFP_HIGH), __GFP_HIGH),
        (nameof(__GFP_IO), __GFP_IO),
        (nameof(__GFP_FS), __GFP_FS),
        (nameof(__GFP_NOWARN), __GFP_NOWARN),
        (nameof(__GFP_RETRY_MAYFAIL), __GFP_RETRY_MAYFAIL),
        (nameof(__GFP_NOFAIL), __GFP_NOFAIL),
        (nameof(__GFP_NORETRY), __GFP_NORETRY),
        (nameof(__GFP_COMP), __GFP_COMP),
        (nameof(__GFP_ZERO), __GFP_ZERO),
        (nameof(__GFP_NOMEMALLOC), __GFP_NOMEMALLOC),
        (nameof(__GFP_MEMALLOC), __GFP_MEMALLOC),
        (nameof(__GFP_HARDWALL), __GFP_HARDWALL),
        (nameof(__GFP_THISNODE), __GFP_THISNODE),
        (nameof(__GFP_RECLAIMABLE), __GFP_RECLAIMABLE),
        (nameof(__GFP_MOVABLE), __GFP_MOVABLE),
        (nameof(__GFP_ACCOUNT), __GFP_ACCOUNT),
        (nameof(__GFP_WRITE), __GFP_WRITE),
        (nameof(__GFP_RECLAIM), __GFP_RECLAIM),
        (nameof(__GFP_DIRECT_RECLAIM), __GFP_DIRECT_RECLAIM),
        (nameof(__GFP_KSWAPD_RECLAIM), __GFP_KSWAPD_RECLAIM),
        (nameof(__GFP_DMA), __GFP_DMA),
        (nameof(__GFP_DMA32), __GFP_DMA32),
        (nameof(__GFP_ZEROTAGS), __GFP_ZEROTAGS),
    ];

    /// <summary>
    /// Parses <c>NAME|NAME|…</c> (spaces around <c>|</c> allowed) into a mask; names are the
    /// kernel's, case-sensitive.
    /// </summary>
    /// <param name="expr">The expression, e.g. <c>GFP_KERNEL|__GFP_RECLAIMABLE</c>.</param>
    /// <param name="mask">The OR of the named masks (0xcd0 for the example).</param>
    /// <param name="error">Why the expression was refused (with a "did you mean"); empty on success.</param>
    /// <returns>Whether every name is known.</returns>
    public static bool TryParse(string expr, out uint mask, out string error)
    {
        ArgumentNullException.ThrowIfNull(expr);
        mask = 0;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(expr))
        {
            return Units.Fail("empty GFP expression; write kernel names joined by '|', e.g. GFP_KERNEL|__GFP_RECLAIMABLE", out error);
        }

        if (expr.Length > ExpressionLengthMax)
        {
            return Units.Fail($"GFP expression longer than {ExpressionLengthMax} characters", out error);
        }

        foreach (string part in expr.Split('|', StringSplitOptions.TrimEntries))
        {
            if (!TryLookUp(part, out uint bits, out error))
            {
                mask = 0;
                return false;
            }

            mask |= bits;
        }

        return true;
    }

    /// <summary>
    /// Names a mask the way the kernel's tracepoints print <c>gfp_flags</c>: greedily by the
    /// order of <see cref="All"/>, leftover bits in hex.
    /// </summary>
    /// <param name="mask">A GFP mask.</param>
    /// <returns>E.g. <c>GFP_KERNEL|__GFP_RECLAIMABLE</c>; <c>0</c> for no bits.</returns>
    public static string Format(uint mask)
    {
        if (mask == 0)
        {
            return "0";
        }

        var text = new StringBuilder();
        uint left = mask;
        foreach ((string name, uint bits) in All)
        {
            if ((left & bits) == bits && (left & bits) != 0)
            {
                text.Append(text.Length > 0 ? "|" : string.Empty).Append(name);
                left &= ~bits;
            }
        }

        if (left != 0)
        {
            text.Append(text.Length > 0 ? "|" : string.Empty).Append("0x").Append(left.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static bool TryLookUp(string name, out uint bits, out string error)
    {
        error = string.Empty;
        foreach ((string known, uint knownBits) in All)
        {
            if (known == name)
            {
                bits = knownBits;
                return true;
            }
        }

        bits = 0;
        if (name.Length == 0)
        {
            return Units.Fail("empty name in GFP expression (two '|' in a row, or one at an end)", out error);
        }

        string? closest = Suggest.Closest(name, All.Select(n => n.Name));
        string hint = closest is null ? "; names are the kernel's, e.g. GFP_KERNEL or __GFP_MOVABLE" : $"; did you mean '{closest}'?";
        return Units.Fail($"unknown GFP flag '{name}'{hint}", out error);
    }
}
