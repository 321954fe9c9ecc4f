using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Tests.Support;

/// <summary>
/// When an order-0 request cannot fail, derived from the allocator's state rather than a magic
/// number: the preferred zone (the highest populated one up to ZONE_NORMAL, where GFP_KERNEL,
/// GFP_ATOMIC and GFP_HIGHUSER_MOVABLE all start) has more free pages usable by every request
/// (NR_FREE_PAGES minus free CMA and free highatomic pages) than its boosted high watermark plus
/// its largest lowmem reserve. Then zone_watermark_fast passes for any watermark and alloc_flags,
/// and __rmqueue finds a page of a pcp type (at worst by stealing), so the allocation succeeds.
/// </summary>
/// <remarks>
/// Tests use it to assert a success count, so an allocator that fails every request (or most of
/// them) cannot pass a smoke or invariant test by never changing any state.
/// </remarks>
internal static class Plenty
{
    /// <summary>True when an order-0 request of any of the tests' gfp masks must succeed now.</summary>
    public static bool ForOrder0(PageAllocator a)
    {
        Zone? preferred = null;
        for (int z = (int)ZoneType.Normal; z >= 0 && preferred == null; z--)
        {
            if (a.Node.Zones[z].IsPopulated)
            {
                preferred = a.Node.Zones[z];
            }
        }

        Assert.NotNull(preferred);
        long usable = preferred.VmStat[(int)ZoneStatItem.NrFreePages] - preferred.VmStat[(int)ZoneStatItem.NrFreeCma] - preferred.NrFreeHighatomic;
        return usable > preferred.WmarkPages(WatermarkIndex.High) + preferred.LowmemReserve.Max();
    }

    /// <summary>Counts the requests made while <see cref="ForOrder0"/> held, and the order-0 ones among them.</summary>
    public sealed class Order0Tally
    {
        /// <summary>Requests of any order made while memory was plentiful.</summary>
        public long Requests { get; private set; }

        /// <summary>Order-0 requests made while memory was plentiful.</summary>
        public long Attempts { get; private set; }

        /// <summary>Of those, the ones that failed.</summary>
        public long Failures { get; private set; }

        /// <summary>Records one workload step; <paramref name="plentiful"/> is <see cref="ForOrder0"/> before it.</summary>
        public void Add(bool plentiful, long requests, long attempts, long failures)
        {
            if (plentiful)
            {
                Requests += requests;
                Attempts += attempts;
                Failures += failures;
            }
        }

        /// <summary>
        /// Asserts the allocator did its job: requests were made while memory was plentiful, and
        /// none of the order-0 ones failed (≥ 95 % would be the loose bound; the watermark argument
        /// on <see cref="Plenty"/> gives 100 %).
        /// </summary>
        /// <param name="order0SharePercent">The workload's share of order-0 requests: at least half
        /// of it must show up among the plentiful requests, so the success bound is not vacuous.</param>
        public void AssertAllSucceeded(int order0SharePercent)
        {
            Assert.True(Requests > 0, "no request was made with plenty of free memory");
            Assert.True(Attempts * 200 >= Requests * order0SharePercent, $"only {Attempts} of {Requests} plentiful requests were order 0 (share {order0SharePercent} %)");
            Assert.True(Failures == 0, $"{Failures} of {Attempts} order-0 requests failed although the preferred zone was above its high watermark");
        }
    }
}
