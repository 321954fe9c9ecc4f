namespace MmSim.Mm.MemoryHotplug;

/// <summary>The state of a memory block as /sys/devices/system/memory/memoryN/state shows it.</summary>
/// <remarks>drivers/base/memory.c: MEM_ONLINE, MEM_GOING_OFFLINE, MEM_OFFLINE.</remarks>
public enum MemoryBlockState
{
    /// <summary>"online".</summary>
    Online,

    /// <summary>"going-offline": an offline attempt runs.</summary>
    GoingOffline,

    /// <summary>"offline".</summary>
    Offline,
}

/// <summary>
/// The node's memory blocks: fixed-size, aligned PFN ranges that are onlined and offlined as a unit
/// (memory_block_size_bytes, 128 MiB on x86-64 below 64 GiB of memory).
/// </summary>
/// <remarks>drivers/base/memory.c: struct memory_block, memory_block_size_bytes. Block N covers PFNs
/// [N × <see cref="PagesPerBlock"/>, (N + 1) × <see cref="PagesPerBlock"/>).</remarks>
public sealed class MemoryBlocks
{
    /// <summary>MIN_MEMORY_BLOCK_SIZE on x86-64: 128 MiB.</summary>
    public const long DefaultBlockSizeBytes = 128L << 20;

    private readonly MemoryBlockState[] states;

    /// <summary>Creates the blocks of a node of <paramref name="nodeSpannedPages"/> pages, all online.</summary>
    /// <param name="nodeSpannedPages">The node's pages.</param>
    /// <param name="blockSizeBytes">Block size, a power of two of at least a pageblock.</param>
    public MemoryBlocks(long nodeSpannedPages, long blockSizeBytes)
    {
        long pages = blockSizeBytes >> MmConstants.PageShift;
        if (pages < MmConstants.PageblockNrPages || (pages & (pages - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSizeBytes), blockSizeBytes, "a memory block is a power of two of at least one pageblock");
        }

        PagesPerBlock = (int)pages;
        states = new MemoryBlockState[(nodeSpannedPages + pages - 1) / pages];
    }

    /// <summary>Pages per block.</summary>
    public int PagesPerBlock { get; }

    /// <summary>Number of blocks.</summary>
    public int Count => states.Length;

    /// <summary>The state of block <paramref name="block"/>.</summary>
    /// <param name="block">0 ≤ block &lt; <see cref="Count"/>.</param>
    /// <returns>The state.</returns>
    public MemoryBlockState State(int block) => states[block];

    /// <summary>First PFN of <paramref name="block"/>.</summary>
    /// <param name="block">The block.</param>
    /// <returns>The PFN.</returns>
    public int StartPfn(int block) => block * PagesPerBlock;

    internal void SetState(int block, MemoryBlockState state) => states[block] = state;
}
