namespace MmSim.Cli.Commands;

/// <summary>The process exit codes of <c>mmsim</c> (sysexits-style where one fits).</summary>
/// <remarks>Kept with the commands, below the entry point (<c>Program</c>, in the parent namespace), so that commands never import it.</remarks>
public static class ExitCodes
{
    /// <summary>Some runs failed (a sweep's worker processes); the others are kept, and a rerun retries the failed ones.</summary>
    public const int RunsFailed = 1;

    /// <summary>Bad input: scenario, trace or arguments.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT): finished runs kept, runs in progress abandoned.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (128 + 15), as <see cref="Interrupted"/>.</summary>
    public const int Terminated = 143;

    /// <summary>An internal error (a bug in mmsim); EX_SOFTWARE.</summary>
    public const int Internal = 70;
}
