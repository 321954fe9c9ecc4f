using System.CommandLine;
using MmSim.Cli.Commands;
using MmSim.Kernel.Designs;

namespace MmSim.Cli;

/// <summary>Entry point of the <c>mmsim</c> command.</summary>
public static class Program
{
    /// <summary>Exit code for bad input (scenario, trace or arguments).</summary>
    public const int ExitBadInput = ExitCodes.BadInput;

    /// <summary>Exit code for an internal error (a bug in mmsim).</summary>
    public const int ExitInternal = ExitCodes.Internal;

    /// <summary>Runs the command line.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The process exit code.</returns>
    public static int Main(string[] args)
    {
        CliConsole.Install(Console.Out, Console.IsOutputRedirected);
        var root = new RootCommand("""
            mmsim: a deterministic simulator of Linux physical-memory management (Linux 6.18 by default).

            Examples:
              mmsim compare                      # the FUSE writeback designs on the stalled-server scenario
              mmsim run scenarios/default.yaml --design linux-6.15
              mmsim scenarios                    # the shipped scenarios
              mmsim help compare                 # help of one command
            """)
        {
            RunCommand.Create(),
            ValidateCommand.Create(),
            CompareCommand.Create(),
            DesignsCommand.Create(),
            ScenariosCommand.Create(),
            ShowCommand.Create(),
            MachineCommand.Create(),
            TraceCommand.Create(),
            ReplayCommand.Create(),
            SweepCommand.Create(),
            MergeCommand.Create(),
        };
        ParseResult parsed = root.Parse(HelpSynonym(args));
        if (parsed.Errors.Count > 0)
        {
            // One line per problem; the pointer to help rides on the last one rather than adding a line.
            for (int i = 0; i < parsed.Errors.Count; i++)
            {
                string hint = i == parsed.Errors.Count - 1 ? "; see 'mmsim --help'" : string.Empty;
                Console.Error.WriteLine($"mmsim: {ParseErrors.Describe(parsed.Errors[i]).TrimEnd('.')}{hint}");
            }

            return ExitBadInput;
        }

        try
        {
            // System.CommandLine's own handler would print the stack trace: mmsim reports instead.
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("MMSIM_DEBUG") != "1")
        {
            return Report(e is AggregateException a ? FirstCause(a) : e);
        }
    }

    // `mmsim help` and `mmsim help COMMAND` are `mmsim --help` and `mmsim COMMAND --help`.
    private static string[] HelpSynonym(string[] args) =>
        args.Length > 0 && args[0] == "help" ? [.. args[1..], "--help"] : args;

    // compare runs in parallel: report the first cause when all runs failed the same way (e.g. an
    // unwritable --out), else the aggregate.
    private static Exception FirstCause(AggregateException a)
    {
        var inner = a.Flatten().InnerExceptions;
        bool sameKind = inner.All(x => x.GetType() == inner[0].GetType());
        return inner.Count > 0 && sameKind ? inner[0] : a;
    }

    // Never a stack trace for the user: one line. A file that cannot be written or read, or a name
    // nothing is registered under, is the user's to fix (exit 2); anything else is a bug in mmsim (exit 70).
    private static int Report(Exception e)
    {
        if (e is IOException or UnauthorizedAccessException or ConfigurationException)
        {
            Console.Error.WriteLine($"mmsim: {e.Message}");
            return ExitBadInput;
        }

        Console.Error.WriteLine($"mmsim: internal error: {e.GetType().Name}: {e.Message} (set MMSIM_DEBUG=1 for the stack trace)");
        return ExitInternal;
    }
}
