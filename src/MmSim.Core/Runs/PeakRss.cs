using System.Globalization;

namespace MmSim.Runs;

/// <summary>The process's peak resident set size, for timing.json (a wall-clock-side figure, never in results).</summary>
public static class PeakRss
{
    /// <summary>VmHWM of /proc/self/status in bytes: the most memory this process has held resident so far.</summary>
    /// <returns>The peak in bytes, or 0 where /proc is not available (not Linux) or the line is missing.</returns>
    /// <remarks>Process-wide: after several runs in one process (compare, sweep) it is the peak of all of them so far.</remarks>
    public static long Bytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                // "VmHWM:\t  4938352 kB"
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    string kb = line["VmHWM:".Length..].Trim();
                    int space = kb.IndexOf(' ', StringComparison.Ordinal);
                    return long.TryParse(space < 0 ? kb : kb[..space], NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v * 1024 : 0;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
