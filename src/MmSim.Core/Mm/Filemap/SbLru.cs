namespace MmSim.Mm.Filemap;

/// <summary>
/// The sizes of the superblock's dentry and inode LRUs (fs/super.c: super_cache_count reads
/// list_lru_shrink_count), kept as files change instead of counted over every file per shrinker call.
/// </summary>
/// <remarks>
/// The dentry LRU is a count. The inode LRU depends on the file's page cache (mapping_shrinkable), which
/// changes per page, so the files that may be on it (unused inode, no cached page, at most one shadow) are
/// kept in a list and checked exactly when counted; the list is short because a file leaves it with its
/// first cached page or second shadow.
/// </remarks>
internal sealed class SbLru
{
    private readonly List<CachedFile> inodeCandidates = [];

    /// <summary>Regular files whose dentry is in the dentry cache: the dentry LRU.</summary>
    public long Dentries { get; private set; }

    /// <summary>Files on the inode LRU (<see cref="CachedFile.InodeOnLru"/>); O(candidates).</summary>
    public long CountInodes()
    {
        long inodes = 0;
        foreach (CachedFile file in inodeCandidates)
        {
            inodes += file.InodeOnLru ? 1 : 0;
        }

        return inodes;
    }

    /// <summary>Evicts every inode on the inode LRU (clears <see cref="CachedFile.InodeLoaded"/>); returns how many.</summary>
    public long EvictAllInodes()
    {
        long freed = 0;

        // Backwards: evicting the file at i swap-removes it, and what moves into i was already seen.
        for (int i = inodeCandidates.Count - 1; i >= 0; i--)
        {
            CachedFile file = inodeCandidates[i];
            if (file.InodeOnLru)
            {
                file.InodeLoaded = false;
                freed++;
            }
        }

        return freed;
    }

    /// <summary>A regular file's dentry came (+1) or went (-1).</summary>
    public void DentryChanged(int delta) => Dentries += delta;

    /// <summary>Puts <paramref name="file"/> on or off the candidate list after a change to what decides it.</summary>
    public void Update(CachedFile file)
    {
        bool want = file.InodeLruCandidate;
        if (want == (file.SbLruSlot >= 0))
        {
            return;
        }

        if (want)
        {
            file.SbLruSlot = inodeCandidates.Count;
            inodeCandidates.Add(file);
            return;
        }

        // Swap-remove: the list's order does not matter, only its contents are counted.
        int slot = file.SbLruSlot;
        CachedFile last = inodeCandidates[^1];
        inodeCandidates[slot] = last;
        last.SbLruSlot = slot;
        inodeCandidates.RemoveAt(inodeCandidates.Count - 1);
        file.SbLruSlot = -1;
    }
}
