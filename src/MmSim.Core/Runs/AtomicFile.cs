using System.Text;

namespace MmSim.Runs;

/// <summary>
/// Writes result files so that a reader sees either the old file or the complete new one: the
/// text goes to a temporary file in the same folder, which is then renamed over the target.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically, creating folders as needed.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="text">Content (UTF-8, no BOM, newlines as given).</param>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, tmp => File.WriteAllText(tmp, text, Utf8NoBom));
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically, creating folders as needed.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="bytes">Content.</param>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, tmp => File.WriteAllBytes(tmp, bytes));
    }

    private static void Write(string path, Action<string> writeTemp)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.tmp{Environment.ProcessId}");
        try
        {
            writeTemp(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }
}
