using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace MmSim.Cli.Commands;

/// <summary>
/// How <c>mmsim sweep</c> starts its worker processes: mmsim runs itself. <see cref="Environment.ProcessPath"/> is either
/// the <c>mmsim</c> program (the apphost, or a single-file build), run as is, or <c>dotnet</c> running mmsim.dll, run
/// as <c>dotnet PATH/mmsim.dll</c>. When mmsim is not the process's own program (its entry point is called from another
/// program, e.g. a test host), it cannot start itself: <c>--workers thread</c> runs in-process instead.
/// </summary>
internal static class SweepWorkers
{
    /// <summary>The hidden option that makes <c>mmsim sweep</c> a pool worker: run the one <c>--index</c> in this
    /// process, print one line, write neither sweep.json nor the table (the parent does).</summary>
    public const string WorkerOption = "--pool-worker";

    /// <summary>The program and leading arguments that start mmsim, or why there are none.</summary>
    /// <param name="fileName">The program to start.</param>
    /// <param name="prefix">Arguments before mmsim's own (the assembly path under <c>dotnet</c>).</param>
    /// <param name="why">Why mmsim cannot start itself (when false).</param>
    /// <returns>Whether mmsim can start itself.</returns>
    public static bool TrySelf(out string fileName, out IReadOnlyList<string> prefix, out string why)
    {
        fileName = string.Empty;
        prefix = [];
        why = string.Empty;
        Assembly mmsim = typeof(SweepWorkers).Assembly; // mmsim.dll (Program is a layer above: not named here)
        string? process = Environment.ProcessPath;
        if (Assembly.GetEntryAssembly() != mmsim || string.IsNullOrEmpty(process))
        {
            why = $"this process ({process ?? "unknown"}) is not the mmsim program, so it cannot start mmsim workers";
            return false;
        }

        if (string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(mmsim.Location))
            {
                why = "mmsim runs under dotnet without an assembly file, so it cannot start mmsim workers";
                return false;
            }

            fileName = process;
            prefix = [mmsim.Location];
            return true;
        }

        fileName = process;
        return true;
    }

    /// <summary>The start of a worker running <paramref name="index"/> of <paramref name="sweepFile"/> into <paramref name="outDir"/>.</summary>
    /// <param name="fileName">From <see cref="TrySelf"/>.</param>
    /// <param name="prefix">From <see cref="TrySelf"/>.</param>
    /// <param name="sweepFile">The sweep file (made absolute, so the child does not depend on the working directory).</param>
    /// <param name="outDir">The sweep folder (made absolute).</param>
    /// <param name="index">The index.</param>
    /// <returns>The process start.</returns>
    public static ProcessStartInfo Start(string fileName, IReadOnlyList<string> prefix, string sweepFile, string outDir, int index)
    {
        var start = new ProcessStartInfo(fileName);
        foreach (string a in prefix)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("sweep");
        start.ArgumentList.Add(Path.GetFullPath(sweepFile));
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(Path.GetFullPath(outDir));
        start.ArgumentList.Add("--index");
        start.ArgumentList.Add(index.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(WorkerOption);

        // The child's output is captured: no colours, no live display.
        start.Environment["NO_COLOR"] = "1";

        // A worker lives for one run, too short for tiered PGO's instrumented code to pay for itself: without it a
        // worker took 20-25 % less CPU (docs/sweeps.md). Results do not depend on it. The user's own setting wins.
        if (Environment.GetEnvironmentVariable("DOTNET_TieredPGO") is null)
        {
            start.Environment["DOTNET_TieredPGO"] = "0";
        }
        return start;
    }
}
