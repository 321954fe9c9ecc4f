namespace MmSim.Mm.Memory;

/// <summary>/sys/kernel/mm/transparent_hugepage/enabled as one mapping sees it.</summary>
public enum ThpMode
{
    /// <summary><c>never</c>: no THP for this mapping (enabled=never, or MADV_NOHUGEPAGE).</summary>
    Never,

    /// <summary><c>madvise</c>: the mapping is madvised MADV_HUGEPAGE (VM_HUGEPAGE), so THP applies under enabled=madvise or always.</summary>
    Madvise,

    /// <summary><c>always</c>: enabled=always and the mapping is not madvised.</summary>
    Always,
}

/// <summary>/sys/kernel/mm/transparent_hugepage/defrag: how hard a THP fault may try.</summary>
public enum ThpDefrag
{
    /// <summary><c>always</c>: direct reclaim and compaction for every THP fault.</summary>
    Always,

    /// <summary><c>defer</c>: wake kswapd/kcompactd and fail at once.</summary>
    Defer,

    /// <summary><c>defer+madvise</c>: direct for madvised mappings, defer for the rest.</summary>
    DeferMadvise,

    /// <summary><c>madvise</c> (the default): direct for madvised mappings, no reclaim for the rest.</summary>
    Madvise,

    /// <summary><c>never</c>: no reclaim, no compaction.</summary>
    Never,
}
