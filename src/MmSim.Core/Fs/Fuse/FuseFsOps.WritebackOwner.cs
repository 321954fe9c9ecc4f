// The ask-fs and cancel-writeback seam (IWritebackOwner) and the mount's invariant check.
using System.Globalization;
using MmSim.Mm;
using MmSim.Mm.Filemap;

namespace MmSim.Fs.Fuse;

internal sealed partial class FuseFsOps
{
    /// <inheritdoc/>
    /// <remarks>Not a kernel function (proposed in the 2024 thread): the folio's request is held by, or would next be
    /// read by, the waiter; or the waiter is charged to the server's memory cgroup (a non-root one).</remarks>
    public bool MayDeadlock(int pfn, TaskContext waiter)
    {
        ArgumentNullException.ThrowIfNull(waiter);
        if (Conn.ServerMemcgId != 0 && waiter.MemcgId == Conn.ServerMemcgId)
        {
            return true;
        }

        if (waiter.Task is null || folios.WritebackEnder(pfn) is not FuseReq req || req.State == FuseReqState.Ended)
        {
            return false;
        }

        return req.Releaser == waiter.Task;
    }

    /// <inheritdoc/>
    /// <remarks>Not a kernel function (David Hildenbrand's "end writeback now and redirty"): refused while the request
    /// sits spliced in the server's pipe; otherwise the folio leaves its request, its writeback ends and it is
    /// dirty again. The request still goes to the server with the pages it has left.</remarks>
    public bool TryCancelWriteback(int pfn)
    {
        if (folios.WritebackEnder(pfn) is not FuseReq { Args: FuseWritepageArgs args } req || req.State == FuseReqState.Ended || !InPlace)
        {
            return false;
        }

        if (req.Spliced && req.State == FuseReqState.Processing)
        {
            Conn.CancelRefusals++;
            return false;
        }

        int k = args.Folios.IndexOf(pfn);
        if (k < 0)
        {
            return false;
        }

        args.Folios.RemoveAt(k);
        args.Cancelled.Add((pfn, pages[pfn].Owner, IndexOf(args.File, pfn)));
        req.NrPages -= 1 << pages[pfn].Order;
        cache.FolioEndWriteback(pfn);
        cache.FolioMarkDirty(args.File, pfn);
        Conn.Cancels++;
        return true;
    }

    // The folio's index in its file: a scan, as cancels are rare (one per timed-out MIGRATE_SYNC wait).
    private static long IndexOf(CachedFile file, int pfn)
    {
        int[] slots = file.Pfn;
        return Array.IndexOf(slots, pfn) is int i and >= 0 ? i : -1;
    }

    /// <summary>
    /// The mount's invariant check: the connection's (<see cref="FuseConn.Verify"/>), the copies', and, writing back in
    /// place, every folio of the mount under writeback is carried by a live FUSE_WRITE that is its recorded ender,
    /// which lists it and counts its pages.
    /// </summary>
    /// <returns>The first violation, or null.</returns>
    public string? Verify()
    {
        if (Conn.Verify() is { } bad)
        {
            return bad;
        }

        if (Copies is { } copies)
        {
            return copies.Verify();
        }

        foreach (CachedFile file in cache.Files)
        {
            if (file.WritebackOwner != this || file.NrWriteback == 0)
            {
                continue;
            }

            int[] slots = file.Pfn;
            for (long i = 0; i < slots.Length; i++)
            {
                int pfn = slots[i];
                if (pfn < 0 || !pages[pfn].Has(PageFlags.Allocated) || pages[pfn].Owner != file.Id || !pages[pfn].Has(PageFlags.Writeback))
                {
                    continue;
                }

                if (folios.WritebackEnder(pfn) is not FuseReq { Args: FuseWritepageArgs args } req || req.State == FuseReqState.Ended)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"fuse {Conn.Name}: {file.Name} folio 0x{pfn:x} under writeback without a live FUSE_WRITE");
                }

                if (!args.Folios.Contains(pfn))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"fuse {Conn.Name}: {file.Name} folio 0x{pfn:x} not in request {req.Unique}");
                }
            }
        }

        return null;
    }
}
