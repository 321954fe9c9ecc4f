using MmSim.Cli;

namespace MmSim.Tests.Support;

/// <summary>Runs the <c>mmsim</c> entry point in-process with its console captured (tests in the "Console" collection).</summary>
internal static class MmsimCli
{
    /// <summary>Runs <c>mmsim ARGS</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code and what was written to standard output and standard error.</returns>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        TextWriter oldOut = Console.Out, oldErr = Console.Error;
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            return (Program.Main(args), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
