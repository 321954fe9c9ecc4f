using System.Text;

namespace MmSim.Scenario;

/// <summary>Writes string scalars so that any YAML reader (not only mmsim's) reads back the same text.</summary>
internal static class YamlText
{
    /// <summary>
    /// Leaves the text plain when every YAML 1.2 reader takes it as this same string (a name
    /// starting with a letter), else double-quotes it with escapes; so <c>6.18</c>, <c>true</c>
    /// or a GFP expression with <c>|</c> come out quoted.
    /// </summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsSafePlain(text) ? text : DoubleQuoted(text);
    }

    private static bool IsSafePlain(string text)
    {
        if (text.Length == 0 || text is "true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~")
        {
            return false;
        }

        if (!char.IsAsciiLetter(text[0]) && text[0] != '_' && text[0] != '/')
        {
            return false;
        }

        foreach (char c in text)
        {
            bool ok = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/' or '%' or '(' or ')';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static string DoubleQuoted(string text)
    {
        var b = new StringBuilder(text.Length + 2);
        b.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\t': b.Append("\\t"); break;
                case '\r': b.Append("\\r"); break;
                default:
                    if (char.IsControl(c))
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        return b.Append('"').ToString();
    }
}
