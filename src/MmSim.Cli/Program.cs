using System.CommandLine;
using MmSim.Cli.Commands;

namespace MmSim.Cli;

/// <summary>Entry point of the <c>mmsim</c> command.</summary>
public static class Program
{
    /// <summary>Exit code for bad input (scenario, trace or arguments).</summary>
    public const int ExitBadInput = 2;

    /// <summary>Exit code for an internal error (a bug in mmsim).</summary>
    public const int ExitInternal = 70;

    /// <summary>Runs the command line.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The process exit code.</returns>
    public static int Main(string[] args)
    {
        var root = new RootCommand("mmsim: a deterministic simulator of Linux physical-memory management (Linux 6.18 by default).")
        {
            RunCommand.Create(),
            ValidateCommand.Create(),
            CompareCommand.Create(),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                Console.Error.WriteLine($"mmsim: {e.Message}");
            }

            Console.Error.WriteLine("mmsim: see 'mmsim --help'");
            return ExitBadInput;
        }

        try
        {
            return parsed.Invoke();
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("MMSIM_DEBUG") != "1")
        {
            // Never a stack trace for the user: one line, and how to get the details.
            Console.Error.WriteLine($"mmsim: internal error: {e.GetType().Name}: {e.Message} (set MMSIM_DEBUG=1 for the stack trace)");
            return ExitInternal;
        }
    }
}
