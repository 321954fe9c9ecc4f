using System.Text;
using CsCheck;

namespace MmSim.Tests.Fuzz;

/// <summary>
/// Edits of a real file as a user (or a bad merge) makes them: lines dropped, doubled, swapped, re-indented, the file
/// cut short, a value replaced by one of another type or out of range, a key misspelt, a character changed.
/// </summary>
internal static class TextMutation
{
    /// <summary>Values of every other kind and edge, put where a value was.</summary>
    public static readonly string[] Junk =
    [
        "", "[1]", "[]", "{a: 1}", "{}", "x", "-1", "0", "1", "99999999999999999999", "18446744073709551616", "1e9", "1e308",
        "nan", ".inf", "null", "~", "true", "\"\"", "''", "../../x", "0x10", "1/0", "9999999999999999s", "-5s", "1TiB", "0B",
        "64KiB", "1PiB", "|", ">", "&a", "*a", "!!str", "'", "\"", "#", "- a", "[[[", "a: b: c", "ü", "\t", "100%", "101%",
        "-0", "+1", "1.5", "00", "2147483648", "-2147483649", "9223372036854775808", "GFP_KERNEL", "linux-6.18", "none",
    ];

    private static readonly char[] Chars = [':', '-', '[', ']', '{', '}', ',', '"', '\'', '#', '|', '>', '&', '*', '!', '%', '\t', '\n', ' ', '0', '9', 'x', 'G', 'i', 'B', '?', '\\', '.', '/'];

    /// <summary>One edit: what (0..8) and where/what with, as raw numbers reduced modulo the text's size.</summary>
    public static readonly Gen<(int Kind, int A, int B)> Edit = Gen.Select(Gen.Int[0, 8], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue]);

    /// <summary>Applies <paramref name="edits"/> to <paramref name="text"/> in order.</summary>
    /// <param name="text">The original.</param>
    /// <param name="edits">The edits.</param>
    /// <returns>The edited text.</returns>
    public static string Apply(string text, (int Kind, int A, int B)[] edits) => Apply(text, edits, Junk);

    /// <summary>Applies <paramref name="edits"/> to <paramref name="text"/> in order, replacing values by <paramref name="junk"/>.</summary>
    /// <param name="text">The original.</param>
    /// <param name="edits">The edits.</param>
    /// <param name="junk">The values to put where a value was.</param>
    /// <returns>The edited text.</returns>
    public static string Apply(string text, (int Kind, int A, int B)[] edits, string[] junk)
    {
        var lines = new List<string>(text.Split('\n'));
        foreach ((int kind, int a, int b) in edits)
        {
            if (lines.Count == 0)
            {
                lines.Add(string.Empty);
            }

            int i = a % lines.Count;
            int j = b % lines.Count;
            string line = lines[i];
            switch (kind)
            {
                case 0:
                    lines.RemoveAt(i);
                    break;
                case 1:
                    lines.Insert(i, line);
                    break;
                case 2:
                    (lines[i], lines[j]) = (lines[j], lines[i]);
                    break;
                case 3:
                    // Cut the file short, possibly mid-line.
                    string all = string.Join('\n', lines);
                    lines = [.. all[..(a % (all.Length + 1))].Split('\n')];
                    break;
                case 4:
                case 5:
                    lines[i] = ReplaceValue(line, junk[b % junk.Length]);
                    break;
                case 6:
                    lines[i] = b % 2 == 0 ? "  " + line : line.TrimStart();
                    break;
                case 7:
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    lines[i] = colon > 0 ? line[..colon] + "x" + line[colon..] : line;
                    break;
                default:
                    lines[i] = EditChar(line, b);
                    break;
            }
        }

        return string.Join('\n', lines);
    }

    // The value after the last ": " (or after "- "), or the whole line when it has neither.
    private static string ReplaceValue(string line, string value)
    {
        int colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        if (colon >= 0)
        {
            return line[..(colon + 2)] + value;
        }

        int dash = line.IndexOf("- ", StringComparison.Ordinal);
        return dash >= 0 ? line[..(dash + 2)] + value : value;
    }

    private static string EditChar(string line, int b)
    {
        var s = new StringBuilder(line);
        char c = Chars[(b / 3) % Chars.Length];
        int at = s.Length == 0 ? 0 : (b / 97) % s.Length;
        switch (b % 3)
        {
            case 0 when s.Length > 0:
                s.Remove(at, 1);
                break;
            case 1 when s.Length > 0:
                s[at] = c;
                break;
            default:
                s.Insert(at, c);
                break;
        }

        return s.ToString();
    }
}
