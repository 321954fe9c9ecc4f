using System.Runtime.CompilerServices;
using MmSim.Mm.Stat;
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

// Watermarks, lowmem reserves, boosting and the per-cpu high/batch sizes derived from them.
public sealed partial class PageAllocator
{
    /// <summary>The min_free_kbytes in force (computed at boot unless the scenario sets it).</summary>
    public long MinFreeKbytes { get; private set; }

    // mm/page_alloc.c: __zone_watermark_unusable_free.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ZoneWatermarkUnusableFree(Zone z, int order, AllocFlags flags)
    {
        // The counters subtracted here are kept by account_freepages; a negative one would make the
        // watermark check pass with memory that does not exist (mmsim's own check).
        VmWarnOn(z.NrFreeHighatomic < 0 || z.VmStat[(int)ZoneStatItem.NrFreeCma] < 0, "__zone_watermark_unusable_free: nr_free_highatomic and NR_FREE_CMA_PAGES >= 0");
        long unusable = (1L << order) - 1;

        // Without rights to reserves below min, the highatomic reserve is not usable.
        if ((flags & AllocFlags.Reserves) == 0)
        {
            unusable += z.NrFreeHighatomic;
        }

        // If the allocation can't use CMA areas, don't count free CMA pages.
        if ((flags & AllocFlags.Cma) == 0)
        {
            unusable += z.VmStat[(int)ZoneStatItem.NrFreeCma];
        }

        return unusable;
    }

    /// <summary>__zone_watermark_ok: order-0 free pages above the mark plus the lowmem reserve, and for
    /// higher orders a free block of a usable type at or above the order.</summary>
    /// <param name="z">Zone.</param>
    /// <param name="order">Order.</param>
    /// <param name="mark">Watermark in pages.</param>
    /// <param name="highestZoneIdx">The request's highest zone (lowmem_reserve index).</param>
    /// <param name="flags">alloc_flags.</param>
    /// <param name="freePages">NR_FREE_PAGES or another free count.</param>
    /// <returns>True when the zone is usable.</returns>
    /// <remarks>mm/page_alloc.c: __zone_watermark_ok.</remarks>
    public static bool ZoneWatermarkOkCore(Zone z, int order, long mark, ZoneType highestZoneIdx, AllocFlags flags, long freePages)
    {
        ArgumentNullException.ThrowIfNull(z);

        // free_pages may go negative ("that's OK"); the order and the watermark may not.
        VmBugOn((uint)order > MmConstants.MaxPageOrder, "__zone_watermark_ok: order <= MAX_PAGE_ORDER");
        VmBugOn(mark < 0, "__zone_watermark_ok: mark >= 0");
        long min = mark;
        freePages -= ZoneWatermarkUnusableFree(z, order, flags);
        if ((flags & AllocFlags.Reserves) != 0)
        {
            // __GFP_HIGH allows access to 50% of the min reserve; non-blocking callers a bit more.
            if ((flags & AllocFlags.MinReserve) != 0)
            {
                min -= min / 2;
                if ((flags & AllocFlags.NonBlock) != 0)
                {
                    min -= min / 4;
                }
            }

            if ((flags & AllocFlags.Oom) != 0)
            {
                min -= min / 2;
            }
        }

        if (freePages <= min + z.LowmemReserve[(int)highestZoneIdx])
        {
            return false;
        }

        return order == 0 || HasSuitableFreeBlock(z, order, flags);
    }

    // The high-order part of __zone_watermark_ok: some list at order ≥ request that the caller may use.
    private static bool HasSuitableFreeBlock(Zone z, int order, AllocFlags flags)
    {
        for (int o = order; o < MmConstants.NrPageOrders; o++)
        {
            if (z.NrFree[o] == 0)
            {
                continue;
            }

            for (int mt = 0; mt < MigrateTypes.PcpTypes; mt++)
            {
                if (!z.FreeAreaEmpty(o, (MigrateType)mt))
                {
                    return true;
                }
            }

            if ((flags & AllocFlags.Cma) != 0 && !z.FreeAreaEmpty(o, MigrateType.Cma))
            {
                return true;
            }

            if ((flags & (AllocFlags.HighAtomic | AllocFlags.Oom)) != 0 && !z.FreeAreaEmpty(o, MigrateType.HighAtomic))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>zone_watermark_ok against NR_FREE_PAGES.</summary>
    /// <param name="z">Zone.</param>
    /// <param name="order">Order.</param>
    /// <param name="mark">Watermark in pages.</param>
    /// <param name="highestZoneIdx">Highest zone of the request.</param>
    /// <param name="flags">alloc_flags.</param>
    /// <returns>True when the watermark is met.</returns>
    public static bool ZoneWatermarkOk(Zone z, int order, long mark, ZoneType highestZoneIdx, AllocFlags flags)
    {
        ArgumentNullException.ThrowIfNull(z);
        return ZoneWatermarkOkCore(z, order, mark, highestZoneIdx, flags, z.VmStat[(int)ZoneStatItem.NrFreePages]);
    }

    // mm/page_alloc.c: zone_watermark_fast. The order-0 test is inlined into the zonelist walk (it
    // decides almost every allocation); the rest is a call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ZoneWatermarkFast(Zone z, int order, long mark, ZoneType highestZoneIdx, AllocFlags flags)
    {
        // Fast check for order-0 only. If this fails then the reserves need to be calculated.
        if (order == 0)
        {
            long free0 = z.VmStat[(int)ZoneStatItem.NrFreePages];
            long reserved = ZoneWatermarkUnusableFree(z, 0, flags);
            long usable = free0 - Math.Min(free0, reserved);
            if (usable > mark + z.LowmemReserve[(int)highestZoneIdx])
            {
                return true;
            }
        }

        return ZoneWatermarkFastCore(z, order, mark, highestZoneIdx, flags);
    }

    // zone_watermark_fast after the order-0 shortcut: __zone_watermark_ok, then the boost exemption.
    private static bool ZoneWatermarkFastCore(Zone z, int order, long mark, ZoneType highestZoneIdx, AllocFlags flags)
    {
        long freePages = z.VmStat[(int)ZoneStatItem.NrFreePages];
        if (ZoneWatermarkOkCore(z, order, mark, highestZoneIdx, flags, freePages))
        {
            return true;
        }

        // Ignore watermark boosting for __GFP_HIGH order-0 allocations checking the min watermark.
        if (order == 0 && (flags & AllocFlags.MinReserve) != 0 && z.WatermarkBoost != 0 &&
            (flags & AllocFlags.WmarkMask) == AllocFlags.WmarkMin)
        {
            return ZoneWatermarkOkCore(z, order, z.Watermark[(int)WatermarkIndex.Min], highestZoneIdx, flags, freePages);
        }

        return false;
    }

    // mm/page_alloc.c: boost_watermark.
    private bool BoostWatermark(Zone zone)
    {
        int factor = Options.WatermarkBoostFactor;
        if (factor == 0)
        {
            return false;
        }

        // Don't bother in zones that are unlikely to produce results (small machines, kdump).
        if (MmConstants.PageblockNrPages * 4L > zone.ManagedPages)
        {
            return false;
        }

        long maxBoost = zone.Watermark[(int)WatermarkIndex.High] * factor / 10000;
        if (maxBoost == 0)
        {
            return false;
        }

        maxBoost = Math.Max(MmConstants.PageblockNrPages, maxBoost);
        zone.WatermarkBoost = Math.Min(zone.WatermarkBoost + MmConstants.PageblockNrPages, maxBoost);
        VmWarnOn(zone.WatermarkBoost < 0 || zone.WatermarkBoost > maxBoost, "boost_watermark: 0 <= watermark_boost <= max_boost");
        return true;
    }

    /// <summary>
    /// init_per_zone_wmark_min and set_recommended_min_free_kbytes: computes min_free_kbytes (unless
    /// given), the zone watermarks, the lowmem reserves and the pcp batch/high sizes.
    /// </summary>
    /// <remarks>mm/page_alloc.c: calculate_min_free_kbytes, setup_per_zone_wmarks, setup_per_zone_lowmem_reserve; mm/khugepaged.c: set_recommended_min_free_kbytes.</remarks>
    public void InitPerZoneWmarkMin()
    {
        MinFreeKbytes = Options.MinFreeKbytes ?? CalculateMinFreeKbytes();
        SetupPerZoneWmarks();
        SetupPerZoneLowmemReserve();
        if (Options.MinFreeKbytes == null && Options.ThpEnabled)
        {
            long recommended = RecommendedMinFreeKbytes();
            if (recommended > MinFreeKbytes)
            {
                MinFreeKbytes = recommended;
            }

            SetupPerZoneWmarks();
        }
    }

    // nr_free_buffer_pages: managed pages above the high watermark in zones up to ZONE_NORMAL.
    private long NrFreeBufferPages()
    {
        long sum = 0;
        for (int z = 0; z <= (int)ZoneType.Normal; z++)
        {
            Zone zone = Node.Zones[z];
            sum += Math.Max(0, zone.ManagedPages - zone.Watermark[(int)WatermarkIndex.High]);
        }

        return sum;
    }

    // mm/page_alloc.c: calculate_min_free_kbytes.
    private long CalculateMinFreeKbytes()
    {
        long lowmemKbytes = NrFreeBufferPages() * (MmConstants.PageSize >> 10);
        long value = (long)Math.Sqrt(lowmemKbytes * 16.0);
        while (value * value > lowmemKbytes * 16)
        {
            value--;
        }

        while ((value + 1) * (value + 1) <= lowmemKbytes * 16)
        {
            value++;
        }

        return Math.Clamp(value, 128, 262144);
    }

    // mm/khugepaged.c: set_recommended_min_free_kbytes.
    private long RecommendedMinFreeKbytes()
    {
        int nrZones = 0;
        foreach (Zone zone in Node.Zones)
        {
            // ZONE_MOVABLE only has movable pages: no fragmentation to worry about.
            if (zone.IsPopulated && zone.Type <= ZoneType.Normal)
            {
                nrZones++;
            }
        }

        // Two free pageblocks per zone, plus on average two blocks almost free of each other type.
        long recommended = (long)MmConstants.PageblockNrPages * nrZones * 2;
        recommended += (long)MmConstants.PageblockNrPages * nrZones * MigrateTypes.PcpTypes * MigrateTypes.PcpTypes;

        // Never reserve more than 5% of lowmem.
        recommended = Math.Min(recommended, NrFreeBufferPages() / 20);
        return recommended << (MmConstants.PageShift - 10);
    }

    // mm/page_alloc.c: setup_per_zone_wmarks → __setup_per_zone_wmarks, then zone_pcp_update.
    private void SetupPerZoneWmarks()
    {
        long pagesMin = MinFreeKbytes >> (MmConstants.PageShift - 10);
        long lowmemPages = 0;
        foreach (Zone zone in Node.Zones)
        {
            if (zone.Type != ZoneType.Movable)
            {
                lowmemPages += zone.ManagedPages;
            }
        }

        foreach (Zone zone in Node.Zones)
        {
            long tmp = lowmemPages == 0 ? 0 : pagesMin * zone.ManagedPages / lowmemPages;
            if (zone.Type == ZoneType.Movable)
            {
                // __GFP_HIGH and PF_MEMALLOC allocations don't need movable zones: cap the min.
                zone.Watermark[(int)WatermarkIndex.Min] = Math.Clamp(zone.ManagedPages / 1024, 32, 128);
            }
            else
            {
                zone.Watermark[(int)WatermarkIndex.Min] = tmp;
            }

            // The kswapd distances scale with watermark_scale_factor, with a minimum on small systems.
            tmp = Math.Max(tmp >> 2, zone.ManagedPages * Options.WatermarkScaleFactor / 10000);
            zone.WatermarkBoost = 0;
            zone.Watermark[(int)WatermarkIndex.Low] = zone.Watermark[(int)WatermarkIndex.Min] + tmp;
            zone.Watermark[(int)WatermarkIndex.High] = zone.Watermark[(int)WatermarkIndex.Low] + tmp;
            zone.Watermark[(int)WatermarkIndex.Promo] = zone.Watermark[(int)WatermarkIndex.High] + tmp;

            // The watermarks are ordered (kswapd wakes below low and sleeps above high; the
            // allocator's ALLOC_WMARK_* index relies on it). mmsim's own check.
            VmWarnOn(zone.Watermark[(int)WatermarkIndex.Min] < 0 ||
                     zone.Watermark[(int)WatermarkIndex.Min] > zone.Watermark[(int)WatermarkIndex.Low] ||
                     zone.Watermark[(int)WatermarkIndex.Low] > zone.Watermark[(int)WatermarkIndex.High] ||
                     zone.Watermark[(int)WatermarkIndex.High] > zone.Watermark[(int)WatermarkIndex.Promo],
                "__setup_per_zone_wmarks: 0 <= min <= low <= high <= promo");
        }

        foreach (Zone zone in Node.Zones)
        {
            ZoneSetPagesetHighAndBatch(zone);
        }
    }

    // mm/page_alloc.c: setup_per_zone_lowmem_reserve (the last entry is ZONE_DEVICE, always empty).
    private void SetupPerZoneLowmemReserve()
    {
        int nrZones = Node.Zones.Length + 1;
        for (int i = 0; i < nrZones - 1; i++)
        {
            Zone zone = Node.Zones[i];
            int ratio = Options.LowmemReserveRatio[i];
            bool clear = ratio == 0 || zone.ManagedPages == 0;
            long managed = 0;
            for (int j = i + 1; j < nrZones; j++)
            {
                managed += j < Node.Zones.Length ? Node.Zones[j].ManagedPages : 0;
                zone.LowmemReserve[j] = clear ? 0 : managed / ratio;
            }
        }
    }

    // mm/page_alloc.c: zone_batchsize — about 0.025% of the zone, at most 256 KiB, as 2^n − 1.
    internal static int ZoneBatchsize(Zone zone)
    {
        long batch = Math.Min(zone.ManagedPages >> 12, 256 * 1024 / MmConstants.PageSize);
        if (batch <= 1)
        {
            return 1;
        }

        long v = batch + (batch / 2);
        long pow = 1;
        while (pow * 2 <= v)
        {
            pow *= 2;
        }

        return (int)(pow - 1);
    }

    // mm/page_alloc.c: zone_highsize — one CPU, so no split across CPUs.
    private static int ZoneHighsize(Zone zone, int batch, int highFraction)
    {
        long total = highFraction == 0 ? zone.WmarkPages(WatermarkIndex.Low) : zone.ManagedPages / highFraction;
        return (int)Math.Max(total, batch << 2);
    }

    // mm/page_alloc.c: zone_set_pageset_high_and_batch. Unpopulated zones keep the boot pageset.
    private void ZoneSetPagesetHighAndBatch(Zone zone)
    {
        if (!zone.IsPopulated)
        {
            return;
        }

        PerCpuPages pcp = zone.Pcp;
        int batch = ZoneBatchsize(zone);
        int fraction = Options.PercpuPagelistHighFraction;
        int highMin = ZoneHighsize(zone, batch, fraction);
        int highMax = fraction != 0 ? highMin : ZoneHighsize(zone, batch, 8);
        if (pcp.DisableDepth > 0)
        {
            // zone_pcp_disable holds pcp_batch_high_lock: the new sizes are what zone_pcp_enable restores.
            (pcp.SavedBatch, pcp.SavedHighMin, pcp.SavedHighMax) = (batch, highMin, highMax);
            return;
        }

        pcp.Batch = batch;
        pcp.HighMin = highMin;
        pcp.HighMax = highMax;

        // zone_pcp_update_cacheinfo: a modern x86 per-cpu cache slice exceeds 3 batches of pages.
        pcp.PcpFlags |= PerCpuPages.FlagFreeHighBatch;
    }
}
