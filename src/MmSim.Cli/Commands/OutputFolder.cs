namespace MmSim.Cli.Commands;

/// <summary>
/// Checks a result folder before any work is done, so an unwritable <c>--out</c> is one clear line up front instead of
/// a runtime's "Could not find file" after the runs (the kernel's /proc refuses new entries with ENOENT).
/// </summary>
internal static class OutputFolder
{
    /// <summary>Proves the folder <paramref name="dir"/> can be written (its parent created if needed, a file written
    /// and removed there); prints why not.</summary>
    /// <param name="dir">The folder, as the user gave it.</param>
    /// <param name="option">The option that named it (for the message), e.g. <c>--out</c>.</param>
    /// <returns>True when the folder is usable; false after printing one line.</returns>
    public static bool Prepare(string dir, string option = "--out")
    {
        string? problem = Problem(dir);
        if (problem is null)
        {
            return true;
        }

        Console.Error.WriteLine($"mmsim: {option} {dir}: {problem}");
        return false;
    }

    private static string? Problem(string dir)
    {
        string full;
        try
        {
            full = Path.GetFullPath(dir);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return "not a valid folder name";
        }

        if (File.Exists(full))
        {
            return "is a file, not a folder";
        }

        // Results are staged in a sibling and swapped in (StagedFolder), so what must be writable is the parent; the
        // folder itself is not created here, so a run refused or interrupted later leaves no empty folder behind.
        string parent = Path.GetDirectoryName(full) ?? full;
        try
        {
            Directory.CreateDirectory(parent);
            string probe = Path.Combine(parent, $".mmsim-probe{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Explain(parent, e);
        }
    }

    // The runtime's message names the wrong thing (a file for a folder); name the ancestor that is in the way instead.
    private static string Explain(string full, Exception e)
    {
        string? existing = full;
        while (existing is not null && !Directory.Exists(existing) && !File.Exists(existing))
        {
            existing = Path.GetDirectoryName(existing);
        }

        if (existing is not null && File.Exists(existing))
        {
            return $"cannot create the result folder: {existing} is a file";
        }

        string where = existing ?? "/";
        return e is UnauthorizedAccessException
            ? $"cannot write the result folder: permission denied in {where}"
            : $"cannot create the result folder: {where} does not accept new files or folders";
    }
}
