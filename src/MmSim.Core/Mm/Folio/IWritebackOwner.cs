namespace MmSim.Mm.Folio;

/// <summary>
/// What the filesystem that ends a mapping's writeback can tell migration and reclaim about one of its
/// folios under writeback. Only FUSE implements it (<c>Fs.Fuse</c>); the designs that ask the
/// filesystem (<c>ask-fs</c>) or cancel writeback (<c>cancel-writeback</c>) call it, mainline never does.
/// </summary>
/// <remarks>
/// Neither call exists in any kernel: "ask the fs whether writeback of a specific folio could deadlock"
/// and "end writeback now and redirty" were proposed in the 2024 thread (David Hildenbrand, Miklos
/// Szeredi) and never built. mmsim makes them switches so their outcome can be measured.
/// </remarks>
public interface IWritebackOwner
{
    /// <summary>
    /// Whether <paramref name="waiter"/> sleeping until this folio's writeback ends could wait on itself: it is
    /// a thread of the server that holds (or, while the request is queued, would pick up) the folio's request,
    /// or it runs in the memory cgroup of that server.
    /// </summary>
    /// <param name="pfn">Head PFN of a folio of this mapping under writeback.</param>
    /// <param name="waiter">The task that would wait.</param>
    /// <returns>True when the wait could deadlock.</returns>
    bool MayDeadlock(int pfn, TaskContext waiter);

    /// <summary>
    /// Ends the folio's writeback at once and redirties it, dropping it from its request, unless the request's
    /// pages are being copied to the server or sit spliced in a pipe (then nothing changes).
    /// </summary>
    /// <param name="pfn">Head PFN of a locked folio of this mapping under writeback.</param>
    /// <returns>True when the writeback was cancelled (the folio is dirty and no longer under writeback).</returns>
    bool TryCancelWriteback(int pfn);
}
