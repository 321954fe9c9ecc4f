using BenchmarkDotNet.Attributes;
using MmSim.Bench.PageAlloc;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Bench.Floor;

/// <summary>
/// The peer workload, the one other allocators are compared on (issue 6 "Benchmarks", issue 11
/// item 2): fill 80 % of the pages (each allocation order 9 with probability 2 %, else order 0),
/// then pairs of "free a random live block, allocate one (order 9 w.p. 2 %, falling back to order 0
/// when the order-9 request fails)". The full model, pcp on and off, against the bare buddy doing the
/// same operations in the same run, at 1, 16 and 64 GiB. Read the Ratio column (per machine size):
/// the goal is ≤ 1.0 at 16 and 64 GiB with pcp on.
/// </summary>
/// <remarks>
/// Every random choice is drawn from <see cref="Prng"/> in the setup, so the timed loop pays no RNG:
/// per pair it reads a pre-drawn 32-bit value (mapped onto the live set by a multiply-shift) and a
/// pre-drawn order. The live set is an array with swap-remove, O(1) per pair. The three allocators
/// run the same loop through a struct adapter (<see cref="IPeerAllocator"/>), so the JIT specialises
/// it per allocator and no call is virtual. The model requests GFP_HIGHUSER_MOVABLE, the type the
/// boot pageblocks have, so the comparison is of the buddy and pcp paths, not of fallbacks a
/// type-less peer never makes. The loop runs for as long as BenchmarkDotNet asks: the state it
/// measures is the steady state of the churn. On a shared machine, <c>--profile-peer</c>
/// (<see cref="PeerProfile"/>) runs the same loops in turns, timed in thread CPU time, and reports how
/// often the pcp lists served a call without touching the buddy lists (in the steady state: every
/// order-0 call and about 99 % of order-9 calls).
/// </remarks>
[MemoryDiagnoser]
public class PeerWorkloadBenchmarks
{
    /// <summary>Pairs per benchmark invocation.</summary>
    public const int Pairs = 8192;

    private const ulong Seed = 6;
    private const int FillPercent = 80;
    private const int HugeOrder = MmConstants.PageblockOrder;
    private static readonly Ratio HugeChance = new(2, 100);

    private BareAdapter bare;
    private ModelAdapter model;
    private LiveSet live = null!;
    private uint[] picks = [];
    private byte[] orders = [];
    private long hugeRequests;
    private long hugeFallbacks;

    /// <summary>Machine size.</summary>
    [Params(1, 16, 64)]
    public int GiB { get; set; }

    /// <summary>A bare buddy over all the machine's pages, filled to 80 %.</summary>
    [GlobalSetup(Target = nameof(BareBuddyFloor))]
    public void SetupBare()
    {
        var adapter = new BareAdapter(new BareBuddy((int)(GiB * BenchMachines.PagesPerGiB)));
        Fill(ref adapter, GiB * BenchMachines.PagesPerGiB);
        bare = adapter;
    }

    /// <summary>The full model with per-cpu lists (the kernel's default), filled to 80 % of managed pages.</summary>
    [GlobalSetup(Target = nameof(ModelPcpOn))]
    public void SetupModelPcp() => SetupModel(pcp: true);

    /// <summary>The full model without per-cpu lists, filled to 80 % of managed pages.</summary>
    [GlobalSetup(Target = nameof(ModelPcpOff))]
    public void SetupModelNoPcp() => SetupModel(pcp: false);

    /// <summary>Prints what the loop met (order-9 fallbacks), so the three allocators' states can be compared.</summary>
    [GlobalCleanup]
    public void Report() =>
        Console.WriteLine($"// peer {GiB} GiB: {live.Count} live blocks, order-9 requests {hugeRequests}, fell back to order 0 {hugeFallbacks}");

    /// <summary>Bare buddy: the floor.</summary>
    /// <returns>Live blocks, so the JIT cannot drop the work.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs)]
    public int BareBuddyFloor() => Churn(ref bare);

    /// <summary>Full model, pcp on.</summary>
    /// <returns>Live blocks.</returns>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public int ModelPcpOn() => Churn(ref model);

    /// <summary>Full model, pcp off (buddy core with migratetypes and counters).</summary>
    /// <returns>Live blocks.</returns>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public int ModelPcpOff() => Churn(ref model);

    /// <summary>
    /// Runs one invocation's pairs on the model with each call watched (not timed): how many frees and
    /// allocations of order 0 and order 9 the per-cpu lists served without touching the buddy lists
    /// (the zone's NR_FREE_PAGES, which counts buddy pages only, did not move).
    /// </summary>
    /// <returns>The counts; call after <see cref="SetupModelPcp"/> or <see cref="SetupModelNoPcp"/>.</returns>
    internal PcpHits MeasurePcpHits()
    {
        var watched = new WatchedAdapter(model.Allocator, new PcpHits());
        Churn(ref watched);
        return watched.Hits;
    }

    private void SetupModel(bool pcp)
    {
        PageAllocator alloc = BenchMachines.Boot(GiB, pcp);
        var adapter = new ModelAdapter(alloc);
        Fill(ref adapter, alloc.Node.ManagedPages);
        model = adapter;
    }

    // Fills to 80 % of the capacity with the workload's order mix, then draws the choices of the
    // timed pairs. The same seed for all three allocators: the same sequence of requests.
    private void Fill<TAlloc>(ref TAlloc alloc, long capacityPages)
        where TAlloc : struct, IPeerAllocator
    {
        var prng = new Prng(Seed);
        long target = capacityPages * FillPercent / 100;
        live = new LiveSet((int)(target + 1));
        long held = 0;
        while (held < target)
        {
            int pfn = AllocWithFallback(ref alloc, prng.Chance(HugeChance) ? HugeOrder : 0, out int order);
            if (pfn < 0)
            {
                throw new InvalidOperationException($"fill failed at {held} of {target} pages");
            }

            live.Add(pfn, order);
            held += 1L << order;
        }

        Prng choices = prng.Split(1);
        picks = new uint[Pairs];
        orders = new byte[Pairs];
        for (int i = 0; i < Pairs; i++)
        {
            picks[i] = (uint)choices.NextU64();
            orders[i] = (byte)(choices.Chance(HugeChance) ? HugeOrder : 0);
        }

        hugeRequests = 0;
        hugeFallbacks = 0;
    }

    private int Churn<TAlloc>(ref TAlloc alloc)
        where TAlloc : struct, IPeerAllocator
    {
        LiveSet set = live;
        uint[] pick = picks;
        byte[] want = orders;
        for (int i = 0; i < Pairs; i++)
        {
            // Free a uniformly chosen live block (Lemire's multiply-shift maps the pre-drawn value
            // onto [0, count) without a division).
            int k = (int)(((ulong)pick[i] * (uint)set.Count) >> 32);
            set.RemoveAt(k, out int pfn, out int order);
            alloc.Free(pfn, order);

            int newPfn = AllocWithFallback(ref alloc, want[i], out int newOrder);
            if (newPfn >= 0)
            {
                set.Add(newPfn, newOrder);
            }
        }

        return set.Count;
    }

    private int AllocWithFallback<TAlloc>(ref TAlloc alloc, int order, out int gotOrder)
        where TAlloc : struct, IPeerAllocator
    {
        gotOrder = order;
        if (order == 0)
        {
            return alloc.Alloc(0);
        }

        hugeRequests++;
        int pfn = alloc.Alloc(order);
        if (pfn >= 0)
        {
            return pfn;
        }

        hugeFallbacks++;
        gotOrder = 0;
        return alloc.Alloc(0);
    }

    /// <summary>What the peer loop needs from an allocator.</summary>
    private interface IPeerAllocator
    {
        int Alloc(int order);

        void Free(int pfn, int order);
    }

    private readonly struct BareAdapter(BareBuddy buddy) : IPeerAllocator
    {
        public int Alloc(int order) => buddy.Alloc(order);

        public void Free(int pfn, int order) => buddy.Free(pfn, order);
    }

    private readonly struct ModelAdapter(PageAllocator alloc) : IPeerAllocator
    {
        public PageAllocator Allocator => alloc;

        public int Alloc(int order) => alloc.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.Anon);

        public void Free(int pfn, int order) => alloc.FreePages(pfn, order);
    }

    /// <summary>Per order (0 and 9): calls, and calls the pcp lists served alone.</summary>
    internal sealed class PcpHits
    {
        /// <summary>Frees by order.</summary>
        public long[] Frees { get; } = new long[MmConstants.NrPageOrders];

        /// <summary>Frees that left every zone's NR_FREE_PAGES unchanged.</summary>
        public long[] PcpFrees { get; } = new long[MmConstants.NrPageOrders];

        /// <summary>Allocations by order.</summary>
        public long[] Allocs { get; } = new long[MmConstants.NrPageOrders];

        /// <summary>Allocations that left every zone's NR_FREE_PAGES unchanged.</summary>
        public long[] PcpAllocs { get; } = new long[MmConstants.NrPageOrders];
    }

    // The model adapter with every call compared against the buddy free-page counter.
    private readonly struct WatchedAdapter(PageAllocator alloc, PcpHits hits) : IPeerAllocator
    {
        public PcpHits Hits => hits;

        public int Alloc(int order)
        {
            long before = BuddyFree();
            int pfn = alloc.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.Anon);
            hits.Allocs[order]++;
            if (BuddyFree() == before)
            {
                hits.PcpAllocs[order]++;
            }

            return pfn;
        }

        public void Free(int pfn, int order)
        {
            long before = BuddyFree();
            alloc.FreePages(pfn, order);
            hits.Frees[order]++;
            if (BuddyFree() == before)
            {
                hits.PcpFrees[order]++;
            }
        }

        private long BuddyFree() => alloc.Node.GlobalZonePageState(MmSim.Mm.Stat.ZoneStatItem.NrFreePages);
    }

    // The live blocks: PFN and order packed in one int (PFN < 2^27), removal by swapping the last
    // entry in, so both operations are O(1) and the array stays dense.
    private sealed class LiveSet(int capacity)
    {
        private readonly int[] blocks = new int[capacity];

        public int Count { get; private set; }

        public void Add(int pfn, int order) => blocks[Count++] = (pfn << 4) | order;

        public void RemoveAt(int k, out int pfn, out int order)
        {
            int b = blocks[k];
            blocks[k] = blocks[--Count];
            pfn = b >> 4;
            order = b & 0xF;
        }
    }
}
