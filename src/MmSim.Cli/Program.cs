namespace MmSim.Cli;

/// <summary>Entry point of the <c>mmsim</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <returns>The process exit code.</returns>
    public static int Main(string[] args) => args.Length >= 0 ? 0 : 1;
}
