using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MmSim.Cli.Commands;

/// <summary>
/// Command-line parse errors in mmsim's words. System.CommandLine names the .NET type a value failed to convert to
/// (<c>System.Nullable`1[System.UInt64]</c>); a user needs the option and the form it expects.
/// </summary>
internal static class ParseErrors
{
    /// <summary>One line for a parse error, without the <c>mmsim: </c> prefix.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The message to print.</returns>
    public static string Describe(ParseError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        (string Name, Type Type, IReadOnlyList<Token> Tokens)? value = error.SymbolResult switch
        {
            OptionResult o => (o.Option.Name, o.Option.ValueType, o.Tokens),
            ArgumentResult { Parent: OptionResult o } a => (o.Option.Name, a.Argument.ValueType, a.Tokens),
            ArgumentResult a => (a.Argument.Name, a.Argument.ValueType, a.Tokens),
            _ => null,
        };
        if (value is not { } v || Expected(v.Type) is not { } form)
        {
            return OneLine(error.Message);
        }

        foreach (Token t in v.Tokens)
        {
            if (!Parses(v.Type, t.Value))
            {
                return OneLine($"{v.Name} '{t.Value}': expected {form}");
            }
        }

        return OneLine(error.Message);
    }

    // The form of a value, for the numeric types mmsim's options use; null: the library's message is already plain.
    private static string? Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        Type t when t == typeof(ulong) => "a whole number from 0 to 18446744073709551615, e.g. 42",
        Type t when t == typeof(long) => "a whole number, e.g. 100",
        Type t when t == typeof(int) => "a whole number, e.g. 4",
        _ => null,
    };

    private static bool Parses(Type type, string text) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        Type t when t == typeof(ulong) => ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        Type t when t == typeof(long) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        Type t when t == typeof(int) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ => true,
    };

    // User text can hold a newline; the promise is one line per problem.
    private static string OneLine(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
