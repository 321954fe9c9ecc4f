// migrate_folio_unmap's sleep on a source under writeback, as the design's decision says: mainline's
// unbounded folio_wait_writeback, wait-timeout's bounded wait, or cancel-writeback's wait then cancel.
using MmSim.Sim;

namespace MmSim.Mm.Migrate;

public sealed partial class Migration
{
    // Sleeps on src's writeback per ctl.WbDecision. The folio is still under writeback afterwards only when
    // a timeout ran out; the caller then fails it with -EBUSY (the design's error, docs/designs.md).
    private IEnumerable<Wait> WaitOnWriteback(MigratePagesControl ctl, int src)
    {
        WritebackDecision d = ctl.WbDecision;
        if (d.Action == WritebackAction.Wait)
        {
            yield return Wait.Call(folioWait.FolioWaitWriteback(src));
            yield break;
        }

        yield return Wait.Call(folioWait.FolioWaitWritebackTimeout(src, d.TimeoutNs));
        if (!pages[src].Has(PageFlags.Writeback))
        {
            yield break;
        }

        if (d.Action == WritebackAction.WaitTimeout)
        {
            WritebackStats.Timeout(src, folioWait.Now);
            yield break;
        }

        // cancel-writeback: "end writeback now (if it takes longer than X) … then redirty" — refused while the
        // request's pages are copied to the server or spliced, and then the wait goes on without bound.
        int mappingId = pages[src].Owner;
        long index = node.FolioIndex[src];
        if (FolioMapping(src)?.WritebackOwner is { } owner && owner.TryCancelWriteback(src))
        {
            WritebackStats.Cancelled(src, folioWait.Now, mappingId, index);
            yield break;
        }

        WritebackStats.CancelRefused();
        yield return Wait.Call(folioWait.FolioWaitWriteback(src));
    }
}
