using System.Diagnostics;
using System.Globalization;

namespace MmSim.Mm.Trace;

/// <summary>
/// show_gfp_flags: gfp masks as the kmem tracepoints print them ("GFP_KERNEL|__GFP_ZERO").
/// </summary>
/// <remarks>
/// Mirrors include/trace/events/mmflags.h (__def_gfpflag_names) and kernel/trace/trace_output.c:
/// trace_print_flags_seq. The table is walked in order; the first entry whose bits are all set is
/// printed and its bits cleared, so composite names win over their parts and GFP_USER wins over
/// GFP_KERNEL|__GFP_HARDWALL. Bits no entry covers print as one "0x…" after a '|'; a zero mask
/// prints "none". CONFIG_KASAN_HW_TAGS and CONFIG_LOCKDEP are off (x86-64 distro config), so their
/// flags are not in the table; mmsim has no __GFP_NO_OBJ_EXT, so such a bit would print as hex.
/// </remarks>
public static class GfpFlagNames
{
    /// <summary>Longest text <see cref="Format"/> can produce (every table entry plus a hex remainder).</summary>
    public const int TextCharsMax = 512;

    private static readonly (GfpFlags Mask, string Name)[] Table =
    [
        (GfpFlags.TransHuge, "GFP_TRANSHUGE"),
        (GfpFlags.TransHugeLight, "GFP_TRANSHUGE_LIGHT"),
        (GfpFlags.HighUserMovable, "GFP_HIGHUSER_MOVABLE"),
        (GfpFlags.HighUser, "GFP_HIGHUSER"),
        (GfpFlags.User, "GFP_USER"),
        (GfpFlags.KernelAccount, "GFP_KERNEL_ACCOUNT"),
        (GfpFlags.Kernel, "GFP_KERNEL"),
        (GfpFlags.NoFs, "GFP_NOFS"),
        (GfpFlags.Atomic, "GFP_ATOMIC"),
        (GfpFlags.NoIo, "GFP_NOIO"),
        (GfpFlags.NoWait, "GFP_NOWAIT"),
        (GfpFlags.Dma, "GFP_DMA"),
        (GfpFlags.Dma32, "GFP_DMA32"),
        (GfpFlags.Reclaim, "__GFP_RECLAIM"),
        (GfpFlags.Dma, "__GFP_DMA"),
        (GfpFlags.HighMem, "__GFP_HIGHMEM"),
        (GfpFlags.Dma32, "__GFP_DMA32"),
        (GfpFlags.Movable, "__GFP_MOVABLE"),
        (GfpFlags.Reclaimable, "__GFP_RECLAIMABLE"),
        (GfpFlags.High, "__GFP_HIGH"),
        (GfpFlags.Io, "__GFP_IO"),
        (GfpFlags.Fs, "__GFP_FS"),
        (GfpFlags.Zero, "__GFP_ZERO"),
        (GfpFlags.DirectReclaim, "__GFP_DIRECT_RECLAIM"),
        (GfpFlags.KswapdReclaim, "__GFP_KSWAPD_RECLAIM"),
        (GfpFlags.Write, "__GFP_WRITE"),
        (GfpFlags.NoWarn, "__GFP_NOWARN"),
        (GfpFlags.RetryMayFail, "__GFP_RETRY_MAYFAIL"),
        (GfpFlags.NoFail, "__GFP_NOFAIL"),
        (GfpFlags.NoRetry, "__GFP_NORETRY"),
        (GfpFlags.MemAlloc, "__GFP_MEMALLOC"),
        (GfpFlags.Comp, "__GFP_COMP"),
        (GfpFlags.NoMemAlloc, "__GFP_NOMEMALLOC"),
        (GfpFlags.HardWall, "__GFP_HARDWALL"),
        (GfpFlags.ThisNode, "__GFP_THISNODE"),
        (GfpFlags.Account, "__GFP_ACCOUNT"),
        (GfpFlags.ZeroTags, "__GFP_ZEROTAGS"),
    ];

    /// <summary>show_gfp_flags as a string.</summary>
    /// <param name="gfp">The mask.</param>
    /// <returns>The text the tracepoint prints.</returns>
    public static string Show(GfpFlags gfp)
    {
        Span<char> buf = stackalloc char[TextCharsMax];
        int n = Format(gfp, buf);
        return new string(buf[..n]);
    }

    /// <summary>show_gfp_flags into a buffer, without allocating.</summary>
    /// <param name="gfp">The mask.</param>
    /// <param name="dest">At least <see cref="TextCharsMax"/> chars.</param>
    /// <returns>Chars written.</returns>
    /// <remarks>kernel/trace/trace_output.c: trace_print_flags_seq. Cost: O(table).</remarks>
    public static int Format(GfpFlags gfp, Span<char> dest)
    {
        Debug.Assert(dest.Length >= TextCharsMax, "buffer too small");
        if (gfp == GfpFlags.None)
        {
            "none".CopyTo(dest);
            return 4;
        }

        uint flags = (uint)gfp;
        int n = 0;
        bool first = true;
        for (int i = 0; i < Table.Length && flags != 0; i++)
        {
            uint mask = (uint)Table[i].Mask;
            if ((flags & mask) != mask)
            {
                continue;
            }

            flags &= ~mask;
            n += Delimit(dest[n..], ref first);
            Table[i].Name.CopyTo(dest[n..]);
            n += Table[i].Name.Length;
        }

        // Left-over flags.
        if (flags != 0)
        {
            n += Delimit(dest[n..], ref first);
            "0x".CopyTo(dest[n..]);
            n += 2;
            bool ok = flags.TryFormat(dest[n..], out int hex, "x", CultureInfo.InvariantCulture);
            Debug.Assert(ok, "hex fits");
            n += hex;
        }

        return n;
    }

    private static int Delimit(Span<char> dest, ref bool first)
    {
        if (first)
        {
            first = false;
            return 0;
        }

        dest[0] = '|';
        return 1;
    }
}
