// Scanning one lruvec (mm/vmscan.c): get_scan_count splits the scan between the lists, shrink_lruvec
// takes SWAP_CLUSTER_MAX batches from each, shrink_active_list ages active folios onto the inactive
// list and shrink_inactive_list isolates folios from the tail for shrink_folio_list.
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan.Impl;

public sealed partial class MainlineReclaim
{
    // MAX_SWAPPINESS.
    private const int MaxSwappiness = 200;

    // SWAP_CLUSTER_MAX_SKIPPED.
    private const int SwapClusterMaxSkipped = SwapClusterMax << 10;

    /// <summary>vm.swappiness (60 by default).</summary>
    public int Swappiness { get; set; } = 60;

    // mm/vmscan.c: shrink_lruvec (classic LRU).
    private IEnumerable<Wait> ShrinkLruvec(Lruvec lruvec, ScanControl sc)
    {
        long[] nr = new long[Lruvec.NrLruLists - 1];
        long[] targets = new long[Lruvec.NrLruLists - 1];
        GetScanCount(lruvec, sc, nr);
        Array.Copy(nr, targets, nr.Length);
        long nrToReclaim = sc.NrToReclaim;
        long nrReclaimed = 0;
        long[] reclaimedBox = new long[1];

        // Global direct reclaim at the first priority scans the full targets, to age the lists evenly.
        bool proportionalReclaim = sc.TargetMemCgroup is null && !sc.IsKswapd && sc.Priority == DefPriority;
        while (nr[(int)LruList.InactiveAnon] != 0 || nr[(int)LruList.ActiveFile] != 0 || nr[(int)LruList.InactiveFile] != 0)
        {
            for (int l = 0; l < nr.Length; l++)
            {
                if (nr[l] == 0)
                {
                    continue;
                }

                long nrToScan = Math.Min(nr[l], SwapClusterMax);
                nr[l] -= nrToScan;
                reclaimedBox[0] = 0;
                yield return Wait.Call(ShrinkList((LruList)l, nrToScan, lruvec, sc, reclaimedBox));
                nrReclaimed += reclaimedBox[0];
            }

            if (nrReclaimed < nrToReclaim || proportionalReclaim)
            {
                continue;
            }

            // Enough reclaimed: scale the remaining scan of the larger side to the share of its target the
            // smaller side achieved, and stop the smaller side.
            long nrFile = nr[(int)LruList.InactiveFile] + nr[(int)LruList.ActiveFile];
            long nrAnon = nr[(int)LruList.InactiveAnon] + nr[(int)LruList.ActiveAnon];
            if (nrFile == 0 || nrAnon == 0)
            {
                break;
            }

            int stop;
            long percentage;
            if (nrFile > nrAnon)
            {
                long scanTarget = targets[(int)LruList.InactiveAnon] + targets[(int)LruList.ActiveAnon] + 1;
                stop = (int)LruList.InactiveAnon;
                percentage = nrAnon * 100 / scanTarget;
            }
            else
            {
                long scanTarget = targets[(int)LruList.InactiveFile] + targets[(int)LruList.ActiveFile] + 1;
                stop = (int)LruList.InactiveFile;
                percentage = nrFile * 100 / scanTarget;
            }

            nr[stop] = 0;
            nr[stop + 1] = 0;
            int other = stop == (int)LruList.InactiveFile ? (int)LruList.InactiveAnon : (int)LruList.InactiveFile;
            for (int l = other; l <= other + 1; l++)
            {
                long scanned = targets[l] - nr[l];
                nr[l] = targets[l] * (100 - percentage) / 100;
                nr[l] -= Math.Min(nr[l], scanned);
            }
        }

        sc.NrReclaimed += nrReclaimed;

        // Even without anon reclaim, keep the anon active:inactive balance when anon can be aged.
        if (CanAgeAnonPages(sc) && InactiveIsLow(lruvec, LruList.InactiveAnon))
        {
            yield return Wait.Call(ShrinkActiveList(SwapClusterMax, lruvec, sc, LruList.ActiveAnon));
        }
    }

    // mm/vmscan.c: shrink_list; the pages reclaimed go to reclaimed[0] (a coroutine returns no value).
    private IEnumerable<Wait> ShrinkList(LruList list, long nrToScan, Lruvec lruvec, ScanControl sc, long[] reclaimed)
    {
        bool file = list is LruList.InactiveFile or LruList.ActiveFile;
        if (list is LruList.ActiveAnon or LruList.ActiveFile)
        {
            if ((sc.MayDeactivate & (file ? DeactivateFile : DeactivateAnon)) != 0)
            {
                yield return Wait.Call(ShrinkActiveList(nrToScan, lruvec, sc, list));
            }
            else
            {
                sc.SkippedDeactivate = true;
            }

            yield break;
        }

        yield return Wait.Call(ShrinkInactiveList(nrToScan, lruvec, sc, list, reclaimed));
    }

    // can_age_anon_pages: only with swap (demotion does not exist here).
    private bool CanAgeAnonPages(ScanControl sc) => Swap?.CanReclaimAnon(sc.TargetMemCgroup?.Id ?? 0) == true;

    // mm/vmscan.c: inactive_is_low — the inactive list is smaller than active / inactive_ratio, where the
    // ratio is sqrt(10 × GB of the pair).
    private bool InactiveIsLow(Lruvec lruvec, LruList inactiveLru)
    {
        long inactive = HierLruSize(lruvec, inactiveLru);
        long active = HierLruSize(lruvec, inactiveLru + 1);
        long gb = (inactive + active) >> (30 - MmConstants.PageShift);
        long inactiveRatio = gb != 0 ? (long)Math.Sqrt(10 * gb) : 1;
        return inactive * inactiveRatio < active;
    }

    // mm/vmscan.c: get_scan_count.
    private void GetScanCount(Lruvec lruvec, ScanControl sc, long[] nr)
    {
        ushort memcgId = lruvec.MemcgId;
        long fractionAnon = 0;
        long fractionFile = 0;
        long denominator = 0;
        int balance; // 0 equal, 1 fract, 2 anon, 3 file
        int swappiness = Swappiness;
        if (!sc.MaySwap || Swap?.CanReclaimAnon(memcgId) != true)
        {
            balance = 3;
        }
        else if (sc.TargetMemCgroup is not null && swappiness == 0)
        {
            balance = 3;
        }
        else if (sc.Priority == 0 && swappiness != 0)
        {
            balance = 0;
        }
        else if (sc.FileIsTiny)
        {
            balance = 2;
        }
        else if (sc.CacheTrimMode)
        {
            balance = 3;
        }
        else
        {
            // Balance by the cost of reclaiming each side (IO and rotations), weighted by swappiness.
            balance = 1;
            long totalCost = sc.AnonCost + sc.FileCost;
            long anonCost = totalCost + sc.AnonCost;
            long fileCost = totalCost + sc.FileCost;
            totalCost = anonCost + fileCost;
            fractionAnon = swappiness * (totalCost + 1) / (anonCost + 1);
            fractionFile = (MaxSwappiness - swappiness) * (totalCost + 1) / (fileCost + 1);
            denominator = fractionAnon + fractionFile;
        }

        for (int l = 0; l < nr.Length; l++)
        {
            bool file = l is (int)LruList.InactiveFile or (int)LruList.ActiveFile;
            long size = lruvec.LruSize((LruList)l, sc.ReclaimIdx);
            long scan = size >> sc.Priority;
            switch (balance)
            {
                case 1:
                    scan = scan * (file ? fractionFile : fractionAnon) / denominator;
                    break;
                case 2:
                case 3:
                    if ((balance == 3) != file)
                    {
                        scan = 0;
                    }

                    break;
            }

            nr[l] = scan;
        }
    }

    // mm/vmscan.c: too_many_isolated — direct reclaimers (not kswapd, not cgroup-v1 limit reclaim) wait while
    // more folios are isolated than are left inactive (an eighth for GFP_IO|GFP_FS callers).
    private bool TooManyIsolated(bool file, ScanControl sc)
    {
        if (sc.IsKswapd || !WritebackThrottlingSane(sc))
        {
            return false;
        }

        long inactive = node.VmStat[(int)(file ? NodeStatItem.NrInactiveFile : NodeStatItem.NrInactiveAnon)];
        long isolated = node.VmStat[(int)(file ? NodeStatItem.NrIsolatedFile : NodeStatItem.NrIsolatedAnon)];
        if ((sc.GfpMask & (GfpFlags.Io | GfpFlags.Fs)) == (GfpFlags.Io | GfpFlags.Fs))
        {
            inactive >>= 3;
        }

        bool tooMany = isolated > inactive;
        if (!tooMany)
        {
            WakeThrottleIsolated();
        }

        return tooMany;
    }

    // mm/vmscan.c: shrink_inactive_list.
    private IEnumerable<Wait> ShrinkInactiveList(long nrToScan, Lruvec lruvec, ScanControl sc, LruList list, long[] reclaimed)
    {
        bool file = list == LruList.InactiveFile;
        bool stalled = false;
        while (TooManyIsolated(file, sc))
        {
            if (stalled)
            {
                yield break;
            }

            stalled = true;
            yield return Wait.Call(ReclaimThrottle(VmscanThrottle.Isolated, sc));
        }

        List<int> folios = RentList();
        long nrTaken = IsolateLruFolios(nrToScan, lruvec, folios, out long nrScanned, sc, list);
        NodeStatItem isolatedItem = file ? NodeStatItem.NrIsolatedFile : NodeStatItem.NrIsolatedAnon;
        node.ModNodePageState(isolatedItem, nrTaken);
        if (sc.TargetMemCgroup is null)
        {
            node.CountVmEvents(VmEventItem.PgscanKswapd + sc.ReclaimerOffset, nrScanned);
        }

        node.CountVmEvents(file ? VmEventItem.PgscanFile : VmEventItem.PgscanAnon, nrScanned);
        sc.CostNs += nrScanned * ScanNsPerPage;
        if (nrTaken == 0)
        {
            ReturnList(folios);
            yield break;
        }

        var stat = new ReclaimStat();
        yield return Wait.Call(ShrinkFolioList(folios, sc, stat));
        long nrReclaimed = stat.NrReclaimed;
        MoveFoliosToLru(folios);
        ReturnList(folios);
        node.ModNodePageState(isolatedItem, -nrTaken);
        if (sc.TargetMemCgroup is null)
        {
            node.CountVmEvents(VmEventItem.PgstealKswapd + sc.ReclaimerOffset, nrReclaimed);
        }

        node.CountVmEvents(file ? VmEventItem.PgstealFile : VmEventItem.PgstealAnon, nrReclaimed);
        sc.CostNs += nrReclaimed * ReclaimNsPerPage;
        LruNoteCost(lruvec, file, stat.NrPageout, nrScanned - nrReclaimed);

        // Dirty folios scanned but not queued for IO: the flushers are not keeping up. Wake them; cgroup v1
        // has no dirty throttling, so its reclaimers also wait for writeback here.
        if (stat.NrUnqueuedDirty == nrTaken)
        {
            Flusher?.WakeupFlusherThreads(Writeback.WbReason.Vmscan);
            FlusherWakeups++;
            if (!WritebackThrottlingSane(sc))
            {
                yield return Wait.Call(ReclaimThrottle(VmscanThrottle.Writeback, sc));
            }
        }

        sc.Nr.Dirty += stat.NrDirty;
        sc.Nr.Congested += stat.NrCongested;
        sc.Nr.UnqueuedDirty += stat.NrUnqueuedDirty;
        sc.Nr.Writeback += stat.NrWriteback;
        sc.Nr.Immediate += stat.NrImmediate;
        sc.Nr.Taken += nrTaken;
        if (file)
        {
            sc.Nr.FileTaken += nrTaken;
        }

        reclaimed[0] = nrReclaimed;
    }

    /// <summary>Times reclaim woke the flushers (WB_REASON_VMSCAN), flusher wired or not.</summary>
    public long FlusherWakeups { get; private set; }

    // mm/vmscan.c: shrink_active_list — every folio taken from the active list is deactivated, except
    // referenced executable file folios (mmsim has no VM_EXEC, so none); unevictable ones go back.
    private IEnumerable<Wait> ShrinkActiveList(long nrToScan, Lruvec lruvec, ScanControl sc, LruList list)
    {
        bool file = list == LruList.ActiveFile;
        List<int> hold = RentList();
        long nrTaken = IsolateLruFolios(nrToScan, lruvec, hold, out long nrScanned, sc, list);
        NodeStatItem isolatedItem = file ? NodeStatItem.NrIsolatedFile : NodeStatItem.NrIsolatedAnon;
        node.ModNodePageState(isolatedItem, nrTaken);
        if (sc.TargetMemCgroup is null)
        {
            node.CountVmEvents(VmEventItem.Pgrefill, nrScanned);
        }

        sc.CostNs += nrScanned * ScanNsPerPage;
        long nrDeactivate = 0;
        for (int i = 0; i < hold.Count; i++)
        {
            int pfn = hold[i];
            ref PageFrame page = ref pages[pfn];
            if (!lru.FolioEvictable(pfn))
            {
                continue; // folio_putback_lru below, onto the unevictable list
            }

            page.Clear(PageFlags.Active);
            nrDeactivate += 1L << page.Order;
        }

        MoveFoliosToLru(hold);
        ReturnList(hold);
        node.CountVmEvents(VmEventItem.Pgdeactivate, nrDeactivate);
        node.ModNodePageState(isolatedItem, -nrTaken);
        LruNoteCost(lruvec, file, 0, 0);
        yield break;
    }

    // mm/vmscan.c: isolate_lru_folios — takes up to nrToScan pages' worth of folios from the tail of the list;
    // folios of zones above reclaim_idx are skipped (pgskip_*) and, with the others not taken, go to the head.
    private long IsolateLruFolios(long nrToScan, Lruvec lruvec, List<int> dst, out long nrScanned, ScanControl sc, LruList list)
    {
        long scan = 0;
        long totalScan = 0;
        long nrTaken = 0;
        int maxNrSkipped = 0;
        int firstMoved = -1;
        while (scan < nrToScan)
        {
            int pfn = lruvec.Last(list);
            if (pfn < 0 || pfn == firstMoved)
            {
                break; // every folio of the list was looked at
            }

            ref PageFrame page = ref pages[pfn];
            long nrPages = 1L << page.Order;
            totalScan += nrPages;
            int zid = node.ZoneIdOfPfn(pfn);
            if (maxNrSkipped < SwapClusterMaxSkipped && zid > sc.ReclaimIdx)
            {
                node.CountVmEvents(VmEventItem.PgskipDma + zid, nrPages);
                maxNrSkipped++;
                lru.MoveFolio(pfn, list);
                firstMoved = firstMoved < 0 ? pfn : firstMoved;
                continue;
            }

            // Skipped folios are not counted: an LRU mostly of ineligible folios must not end the scan early.
            scan += nrPages;
            if (!sc.MayUnmap && page.Has(PageFlags.Mapped))
            {
                lru.MoveFolio(pfn, list);
                firstMoved = firstMoved < 0 ? pfn : firstMoved;
                continue;
            }

            lru.LruvecDelFolio(pfn);
            page.Set(PageFlags.Isolated);
            dst.Add(pfn);
            nrTaken += nrPages;
        }

        nrScanned = totalScan;
        return nrTaken;
    }

    // mm/vmscan.c: move_folios_to_lru — back to the head of the list their flags name (unevictable ones to the
    // unevictable list, counted as culled); a folio whose owner let go meanwhile is freed.
    private long MoveFoliosToLru(List<int> list)
    {
        long nrMoved = 0;
        for (int i = 0; i < list.Count; i++)
        {
            int pfn = list[i];
            ref PageFrame page = ref pages[pfn];
            page.Clear(PageFlags.Isolated);
            long nrPages = 1L << page.Order;
            if (OnlyIsolationRef(pfn))
            {
                deps.Alloc.FreePages(pfn, page.Order);
                continue;
            }

            if (!lru.FolioEvictable(pfn))
            {
                node.CountVmEvents(VmEventItem.UnevictablePgsCulled, nrPages);
                lru.FolioAddLru(pfn);
                continue;
            }

            lru.FolioAddLru(pfn);
            nrMoved += nrPages;
            if (page.Has(PageFlags.Active))
            {
                Workingset.AgeNonresident(node.FolioMemcg[pfn], nrPages);
            }
        }

        return nrMoved;
    }

    // folio_ref_count == 1 for an isolated folio: the owner let go of it (truncated, unmapped) while reclaim held it.
    private bool OnlyIsolationRef(int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        return page.Owner == 0 && !page.Has(PageFlags.Mapped) && refs.ExtraRefs(pfn) == 0 && refs.Pins(pfn) == 0;
    }

    // mm/swap.c: lru_note_cost_unlock_irq — IO and rotations add to the side's cost, which decays by half once
    // the costs exceed a quarter of the LRU; the cost propagates to the ancestors' lruvecs.
    private void LruNoteCost(Lruvec lruvec, bool file, long nrIo, long nrRotated)
    {
        long cost = (nrIo * SwapClusterMax) + nrRotated;
        for (Memcontrol.MemCgroup? m = memcgs[lruvec.MemcgId]; m is not null; m = m.Parent)
        {
            Lruvec l = lru.LruvecOf(m.Id);
            if (file)
            {
                l.FileCost += cost;
            }
            else
            {
                l.AnonCost += cost;
            }

            long lruSize = HierLruSize(l, LruList.InactiveAnon) + HierLruSize(l, LruList.ActiveAnon) +
                HierLruSize(l, LruList.InactiveFile) + HierLruSize(l, LruList.ActiveFile);
            if (l.FileCost + l.AnonCost > lruSize / 4)
            {
                l.FileCost /= 2;
                l.AnonCost /= 2;
            }
        }
    }
}
