using System.Runtime.CompilerServices;

namespace MmSim.Mm.PageAlloc;

// The zonelist walk: watermark checks per zone from the preferred zone downwards, then rmqueue.
public sealed partial class PageAllocator
{
    /// <summary>
    /// get_page_from_freelist: tries each eligible zone from the highest allowed downwards; with
    /// ALLOC_NOFRAGMENT, walks once more without it when every zone failed.
    /// </summary>
    /// <remarks>mm/page_alloc.c: get_page_from_freelist (one node, no cpusets, no dirty spreading).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int GetPageFromFreelist(int order, AllocFlags flags, in AllocContext ac)
    {
        while (true)
        {
            bool noFallback = (flags & AllocFlags.NoFragment) != 0;
            for (int z = (int)ac.HighestZoneIdx; z >= 0; z--)
            {
                Zone zone = Node.Zones[z];
                if (!zone.IsPopulated || !ZoneUsable(zone, order, flags, ac.HighestZoneIdx))
                {
                    continue;
                }

                int pfn = RmqueueZone(zone, order, flags, ac.Migratetype);
                if (pfn >= 0)
                {
                    // A high-order atomic allocation may reserve its pageblock for the future.
                    if ((flags & AllocFlags.HighAtomic) != 0)
                    {
                        ReserveHighatomicPageblock(pfn, order, zone);
                    }

                    return pfn;
                }
            }

            // On a UMA machine all zones can be too fragmented: retry allowing fallbacks.
            if (noFallback && !Options.DefragMode)
            {
                flags &= ~AllocFlags.NoFragment;
                continue;
            }

            return -1;
        }
    }

    // The watermark part of the zonelist loop: the high watermark decides ZONE_BELOW_HIGH (which
    // shrinks pcp), then the watermark the caller asked for decides.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ZoneUsable(Zone zone, int order, AllocFlags flags, ZoneType highestZoneIdx)
    {
        if ((zone.Flags & ZoneFlags.BelowHigh) == 0)
        {
            if (ZoneWatermarkFast(zone, order, zone.WmarkPages(WatermarkIndex.High), highestZoneIdx, flags))
            {
                return true;
            }

            zone.Flags |= ZoneFlags.BelowHigh;
        }

        long mark = zone.WmarkPages((WatermarkIndex)(int)(flags & AllocFlags.WmarkMask));
        if (ZoneWatermarkFast(zone, order, mark, highestZoneIdx, flags))
        {
            return true;
        }

        // node_reclaim is off by default (zone_reclaim_mode 0): skip the zone.
        return (flags & AllocFlags.NoWatermarks) != 0;
    }
}
