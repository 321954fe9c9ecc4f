using System.Text;

namespace MmSim.Report;

/// <summary>HTML escaping for the report. Everything that came from input (scenario text, names, captions, the
/// command line) goes through here, so a scenario holding <c>&lt;script&gt;</c> shows as text and runs nothing.</summary>
internal static class HtmlText
{
    /// <summary>Escapes <paramref name="text"/> for an element's content or a quoted attribute value.</summary>
    /// <param name="text">Raw text.</param>
    /// <returns>The text with <c>&amp; &lt; &gt; " '</c> replaced by entities; other characters (×, ±, UTF-8) kept,
    /// since the page declares UTF-8.</returns>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        Append(sb, text);
        return sb.ToString();
    }

    /// <summary>Appends <paramref name="text"/> escaped (see <see cref="Escape"/>).</summary>
    /// <param name="sb">Target.</param>
    /// <param name="text">Raw text.</param>
    public static void Append(StringBuilder sb, string text)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(text);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>A fragment id made of <c>[a-z0-9-]</c> only, so ids taken from figure ids are always valid and never
    /// need escaping.</summary>
    /// <param name="prefix">Fixed prefix (<c>fig</c>, <c>verdict</c>…).</param>
    /// <param name="id">Raw id.</param>
    /// <returns><c>prefix-id</c> with every other character turned into <c>-</c>.</returns>
    public static string Anchor(string prefix, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var sb = new StringBuilder(prefix.Length + 1 + id.Length);
        sb.Append(prefix).Append('-');
        foreach (char c in id)
        {
            char l = char.ToLowerInvariant(c);
            sb.Append(l is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? l : '-');
        }

        return sb.ToString();
    }
}
