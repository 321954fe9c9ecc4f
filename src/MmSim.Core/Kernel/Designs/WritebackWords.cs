using MmSim.Mm.Writeback;

namespace MmSim.Kernel.Designs;

/// <summary>The words of the writeback-design switches (issue 9) and their enum values, both ways.</summary>
internal static class WritebackWords
{
    /// <summary><c>fuse_writeback</c>'s words.</summary>
    public static IReadOnlyList<string> FuseWriteback { get; } = ["auto", "in-place", "temp-pages", "temp-pool"];

    /// <summary><c>migrate_writeback</c>'s words, in <see cref="MigrateWritebackMode"/> order.</summary>
    public static IReadOnlyList<string> MigrateWriteback { get; } = ["wait", "skip-flagged", "skip-compaction", "timeout", "cancel", "ask-fs"];

    /// <summary><c>reclaim_writeback</c>'s words, in <see cref="ReclaimWritebackMode"/> order.</summary>
    public static IReadOnlyList<string> ReclaimWriteback { get; } = ["flag", "ask-fs"];

    /// <summary><c>sync_writeback</c>'s words, in <see cref="SyncWritebackMode"/> order.</summary>
    public static IReadOnlyList<string> SyncWriteback { get; } = ["wait", "skip-flagged", "no-data-integrity"];

    public static string Text(FuseWritebackMode? mode) => mode is { } m ? FuseWriteback[(int)m + 1] : "auto";

    public static string Text(MigrateWritebackMode mode) => MigrateWriteback[(int)mode];

    public static string Text(ReclaimWritebackMode mode) => ReclaimWriteback[(int)mode];

    public static string Text(SyncWritebackMode mode) => SyncWriteback[(int)mode];

    public static FuseWritebackMode? ParseFuseWriteback(string word) => word == "auto" ? null : (FuseWritebackMode)(IndexOf(FuseWriteback, word) - 1);

    public static MigrateWritebackMode ParseMigrateWriteback(string word) => (MigrateWritebackMode)IndexOf(MigrateWriteback, word);

    public static ReclaimWritebackMode ParseReclaimWriteback(string word) => (ReclaimWritebackMode)IndexOf(ReclaimWriteback, word);

    public static SyncWritebackMode ParseSyncWriteback(string word) => (SyncWritebackMode)IndexOf(SyncWriteback, word);

    // KernelSwitch.With checks the word against the choices first, so it is always found.
    private static int IndexOf(IReadOnlyList<string> words, string word)
    {
        for (int i = 0; i < words.Count; i++)
        {
            if (words[i] == word)
            {
                return i;
            }
        }

        throw new ConfigurationException($"'{word}' is not one of {string.Join(", ", words)}");
    }
}
