using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary>
/// The console every command writes to. On a terminal: colours and live progress. When standard output is not a
/// terminal, or <c>NO_COLOR</c> is set (https://no-color.org), or <c>TERM=dumb</c>: plain text, no escape codes,
/// no live display, and no hard wrapping (a table is as wide as its content, a line as long as its text), so scripts
/// and logs see whole lines.
/// </summary>
internal static class CliConsole
{
    // Wide enough that Spectre never wraps a line or squeezes a table column when writing to a pipe or file.
    private const int PlainWidth = 32767;

    /// <summary>True when output must be plain (see the class remarks).</summary>
    public static bool Plain { get; private set; }

    /// <summary>Sets <see cref="AnsiConsole.Console"/> for this process (called once, first thing in Main).</summary>
    /// <param name="output">Where standard output goes.</param>
    /// <param name="redirected">Standard output is not a terminal.</param>
    public static void Install(TextWriter output, bool redirected)
    {
        Plain = IsPlain(redirected, Environment.GetEnvironmentVariable("NO_COLOR"), Environment.GetEnvironmentVariable("TERM"));
        AnsiConsole.Console = Create(output, Plain);
    }

    /// <summary>The rule: plain when redirected, when NO_COLOR is set to anything non-empty, or on a dumb terminal.</summary>
    /// <param name="redirected">Standard output is not a terminal.</param>
    /// <param name="noColor">The value of NO_COLOR, or null.</param>
    /// <param name="term">The value of TERM, or null.</param>
    /// <returns>Whether to write plain text.</returns>
    public static bool IsPlain(bool redirected, string? noColor, string? term) =>
        redirected || !string.IsNullOrEmpty(noColor) || term == "dumb";

    /// <summary>A console writing to <paramref name="output"/>, plain or not.</summary>
    /// <param name="output">The writer.</param>
    /// <param name="plain">No ANSI, no colours, no interaction, no wrapping.</param>
    /// <returns>The console.</returns>
    public static IAnsiConsole Create(TextWriter output, bool plain)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(output),
        });
        if (plain)
        {
            console.Profile.Width = PlainWidth;
        }

        return console;
    }
}
