namespace MmSim.Mm.PageAlloc;

/// <summary>
/// folio_memcg of every head page: the id of the memcg it is charged to, 0 for the root or none. Indexed by PFN
/// like an array, but the 2 bytes per page are allocated only when a folio is first charged to a memcg other than
/// the root, so the many scenarios without cgroups do not pay for them (issue 11: 24 bytes per simulated page).
/// </summary>
/// <remarks>Reading a PFN that was never charged gives 0 either way.</remarks>
public sealed class FolioMemcgIds
{
    private readonly int length;
    private ushort[]? ids;

    internal FolioMemcgIds(int nodeSpannedPages) => length = nodeSpannedPages;

    /// <summary>The memcg id of <paramref name="pfn"/>'s folio (0 = root or not charged).</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The id.</returns>
    public ushort this[int pfn]
    {
        get
        {
            if (ids is { } a)
            {
                return a[pfn];
            }

            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)pfn, (uint)length, nameof(pfn));
            return 0;
        }

        set
        {
            if (ids is null)
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)pfn, (uint)length, nameof(pfn));
                if (value == 0)
                {
                    return; // nothing charged below the root yet: still all zero
                }

                ids = new ushort[length];
            }

            ids[pfn] = value;
        }
    }

    /// <summary>Bytes the ids take: 0 until a folio is charged below the root, then 2 per page.</summary>
    public long AllocatedBytes => ids is null ? 0 : ids.LongLength * sizeof(ushort);
}
