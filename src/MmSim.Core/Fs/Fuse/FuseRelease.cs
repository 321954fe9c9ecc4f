// Which release a FUSE mount behaves as: the paths changed in 6.15 (timeouts), 6.16 (temp pages gone,
// the AS flag) and 6.17 (writes with writeback cache through iomap).
using System.Globalization;

namespace MmSim.Fs.Fuse;

/// <summary>Release comparisons for FUSE's per-release behaviour.</summary>
internal static class FuseRelease
{
    /// <summary>Whether <paramref name="release"/> ("6.16", "6.18"…) is <paramref name="major"/>.<paramref name="minor"/> or later.</summary>
    /// <param name="release">The modelled release.</param>
    /// <param name="major">Major.</param>
    /// <param name="minor">Minor.</param>
    /// <returns>True when at least that release; an unparsable release counts as the newest.</returns>
    public static bool AtLeast(string release, int major, int minor)
    {
        string[] parts = release.Split('.');
        if (parts.Length < 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int ma)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int mi))
        {
            return true;
        }

        return ma > major || (ma == major && mi >= minor);
    }
}
