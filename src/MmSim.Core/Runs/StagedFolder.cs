using System.Diagnostics;
using System.Globalization;

namespace MmSim.Runs;

/// <summary>
/// Writes a result folder so that it is either the complete new one or whatever was there before, never a mix and
/// never half-written: everything goes into a fresh sibling (<c>.NAME.new-HOST-PID-N</c>), which is then swapped in
/// (the old folder renamed away to <c>.NAME.old-HOST-PID-N</c>, the new one renamed in, the old one deleted). A rerun
/// into an existing folder therefore leaves no file of the earlier run (a stale <c>trace.txt</c>, <c>seed4…16</c>
/// beside a 3-seed table), and a run that throws or is interrupted leaves the folder as it was.
/// </summary>
/// <remarks>The sibling lives in the same parent so both renames stay on one file system. Siblings left by a process
/// that was killed (SIGKILL, a second Ctrl-C) are removed by the next write into the same folder on this machine.</remarks>
public static class StagedFolder
{
    private static long _counter;

    /// <summary>Writes <paramref name="dir"/> through <paramref name="write"/>, which fills a fresh folder; swaps it in
    /// when <paramref name="write"/> returns, deletes it when it throws.</summary>
    /// <typeparam name="T">What <paramref name="write"/> returns.</typeparam>
    /// <param name="dir">The result folder (replaced as a whole when it exists).</param>
    /// <param name="resultFile">A file every result of this kind holds at its top (<c>summary.json</c>,
    /// <c>compare.json</c>): an existing folder is replaced only when empty or holding it, so a mistyped --out (the
    /// current folder, a home directory) is refused instead of deleted.</param>
    /// <param name="write">Fills the folder it is given (it exists and is empty).</param>
    /// <returns>What <paramref name="write"/> returned.</returns>
    /// <exception cref="IOException"><paramref name="dir"/> is a file, holds something else than a result, or cannot
    /// be replaced.</exception>
    public static T Write<T>(string dir, string resultFile, Func<string, T> write)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(resultFile);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        if (File.Exists(full))
        {
            throw new IOException($"{dir}: is a file, not a folder; give another --out");
        }

        if (Directory.Exists(full) && !File.Exists(Path.Combine(full, resultFile)) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new IOException($"{dir}: exists and is not an mmsim result (no {resultFile}); mmsim replaces a result folder as a whole, so give another --out or empty it");
        }

        string parent = Path.GetDirectoryName(full) ?? throw new IOException($"{dir}: cannot write the root folder");
        string name = Path.GetFileName(full);
        Directory.CreateDirectory(parent);
        RemoveStale(parent, name);
        string stage = Path.Combine(parent, Sibling(name, "new"));
        Directory.CreateDirectory(stage);
        try
        {
            T result = write(stage);
            SwapIn(stage, full, Path.Combine(parent, Sibling(name, "old")));
            return result;
        }
        finally
        {
            if (Directory.Exists(stage))
            {
                Directory.Delete(stage, recursive: true);
            }
        }
    }

    /// <summary>The staging folders a killed process left beside <paramref name="name"/> in <paramref name="parent"/>
    /// (this machine, process gone) are deleted; those of live processes and other machines are left alone.</summary>
    /// <param name="parent">The parent folder.</param>
    /// <param name="name">The result folder's name.</param>
    /// <returns>How many were removed.</returns>
    public static int RemoveStale(string parent, string name)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(name);
        if (!Directory.Exists(parent))
        {
            return 0;
        }

        string[] found = Directory.GetDirectories(parent, $".{name}.*");
        Array.Sort(found, StringComparer.Ordinal);
        int removed = 0;
        foreach (string path in found)
        {
            string rest = Path.GetFileName(path)[(name.Length + 2)..];
            if (!rest.StartsWith("new-", StringComparison.Ordinal) && !rest.StartsWith("old-", StringComparison.Ordinal))
            {
                continue;
            }

            // new-HOST-PID-N; HOST may hold '-'.
            string[] parts = rest[4..].Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            if (string.Join('-', parts[..^2]) == Environment.MachineName && !Alive(pid))
            {
                Directory.Delete(path, recursive: true);
                removed++;
            }
        }

        return removed;
    }

    private static void SwapIn(string stage, string full, string old)
    {
        if (!Directory.Exists(full))
        {
            Directory.Move(stage, full);
            return;
        }

        Directory.Move(full, old);
        try
        {
            Directory.Move(stage, full);
        }
        catch
        {
            // Put the earlier result back rather than leave nothing under the name.
            Directory.Move(old, full);
            throw;
        }

        Directory.Delete(old, recursive: true);
    }

    private static string Sibling(string name, string kind) => string.Create(CultureInfo.InvariantCulture,
        $".{name}.{kind}-{Environment.MachineName}-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}");

    /// <summary>Whether the process <paramref name="pid"/> of this machine still runs (this process always does): a
    /// staging folder of a live process is left alone, one of a dead process is a leftover.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>True while it runs.</returns>
    internal static bool Alive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
