using System.Diagnostics;
using System.Globalization;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Vmstat;

// The printf conversions the /proc and debugfs renderers need (%s, %Ns, %-Ns, %lu, %Nlu, %d, %0Nd),
// written straight to a TextWriter with C semantics: a zero-padded negative number puts its sign
// first, and a value wider than the field is never truncated. The renderers in this folder
// (ProcBuddyinfo, ProcPagetypeinfo, ProcVmstat, ProcZoneinfo, DebugfsExtfrag) call only these.
internal static class SeqPrintf
{
    /// <summary>mmsim models one node.</summary>
    internal const int NodeId = 0;

    // Longest decimal of a long ("-9223372036854775808").
    private const int DecimalCharsMax = 20;

    /// <summary>"%Ns" for width &gt; 0 (right-justified), "%-Ns" for width &lt; 0, "%s" for 0.</summary>
    internal static void Str(TextWriter m, string s, int width)
    {
        Debug.Assert(s != null, "null string");
        int pad = Math.Abs(width) - s.Length;
        if (width > 0)
        {
            Spaces(m, pad);
        }

        m.Write(s);
        if (width < 0)
        {
            Spaces(m, pad);
        }
    }

    /// <summary>"%Nld" / "%Nlu" (right-justified, space padded) or "%0Nd" with <paramref name="zeroPad"/>.</summary>
    internal static void Dec(TextWriter m, long value, int width = 0, bool zeroPad = false)
    {
        Debug.Assert(width >= 0, "left-justified numbers are not used");
        Span<char> buf = stackalloc char[DecimalCharsMax];
        bool ok = value.TryFormat(buf, out int n, default, CultureInfo.InvariantCulture);
        Debug.Assert(ok, "a long fits in 20 chars");
        int pad = width - n;
        if (zeroPad && value < 0)
        {
            // C prints the sign, then the zeros, then the digits.
            m.Write('-');
            Zeros(m, pad);
            m.Write(buf[1..n]);
            return;
        }

        if (zeroPad)
        {
            Zeros(m, pad);
        }
        else
        {
            Spaces(m, pad);
        }

        m.Write(buf[..n]);
    }

    /// <summary>"%lu" of an unsigned kernel counter (a negative value prints as the C cast would).</summary>
    internal static void Unsigned(TextWriter m, long value)
    {
        Span<char> buf = stackalloc char[DecimalCharsMax + 1];
        bool ok = ((ulong)value).TryFormat(buf, out int n, default, CultureInfo.InvariantCulture);
        Debug.Assert(ok, "a ulong fits in 21 chars");
        m.Write(buf[..n]);
    }

    /// <summary>The line head shared by buddyinfo, the block tables and extfrag: "Node %d, zone %8s ".</summary>
    internal static void NodeZone(TextWriter m, Zone zone)
    {
        m.Write("Node ");
        Dec(m, NodeId);
        m.Write(", zone ");
        Str(m, zone.Name, 8);
        m.Write(' ');
    }

    /// <summary>node_state(nid, N_MEMORY): the node has present pages in some zone.</summary>
    internal static bool NodeHasMemory(PgData pgdat)
    {
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Renders into a string with '\n' line ends whatever the platform.</summary>
    internal static string Render<TState>(TState state, Action<TextWriter, TState> show)
    {
        using var sw = new StringWriter(CultureInfo.InvariantCulture);
        show(sw, state);
        return sw.ToString();
    }

    private static void Spaces(TextWriter m, int count)
    {
        for (int i = 0; i < count; i++)
        {
            m.Write(' ');
        }
    }

    private static void Zeros(TextWriter m, int count)
    {
        for (int i = 0; i < count; i++)
        {
            m.Write('0');
        }
    }
}
