using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Slab;
using MmSim.Sim;
using MmSim.Tests.Kernel;
using MmSim.Tests.Support;

namespace MmSim.Tests.Filemap;

/// <summary>
/// A read-heavy random mix over 100 seeds — sequential streams and random reads of any size on order-0
/// and large-folio files, page writes, unlinks, drop_caches and shrink_slab at random priorities — with
/// the kernel checker (page cache, LRU, rmap, buddy) after every operation, until memory runs out.
/// </summary>
public class ReadInvariantTests
{
    private const long Us = 1000;

    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Reads_writes_unlinks_and_shrinkers_keep_the_page_cache_consistent(int seed)
    {
        // 32 MiB: small enough to check everything after each operation, small enough to fill.
        LinuxKernel k = BlockingKernelTests.Boot(normalPages: 1 << 13);
        var prng = new Prng((ulong)seed);
        var files = new List<CachedFile>();
        for (int i = 0; i < 6; i++)
        {
            CachedFile f = k.PageCache.Open($"f{i}", 64 + (long)prng.NextBelow(4096));
            if (i == 0 || prng.NextBelow(2) == 0)
            {
                f.Flags |= AsFlags.LargeFolios;
            }

            files.Add(f);
        }

        var stats = new AllocTally();
        var done = new int[1];
        k.Sim.Spawn("mix", Mix(k, files, prng.Split(1), stats, done));
        bool sawLarge = false;
        for (int op = 0; op < 400; op++)
        {
            k.Sim.Run(k.Sim.Now + (10 * Us));
            KernelChecker.Verify(k, $"seed {seed} after {done[0]} operations");
            sawLarge |= files.Exists(f => f.Has(AsFlags.LargeFolios) && ReadaheadTests.Folios(k, f).Exists(x => x.Order > 0));
        }

        Assert.True(done[0] > 300, $"only {done[0]} operations ran");
        Assert.True(stats.Allocs > 0);
        Assert.True(sawLarge, "large folios appeared on the large-folio files");
    }

    private static IEnumerable<Wait> Mix(LinuxKernel k, List<CachedFile> files, Prng prng, AllocTally stats, int[] done)
    {
        var cursors = new long[files.Count];
        while (true)
        {
            yield return Wait.For(10 * Us);
            int which = (int)prng.NextBelow((ulong)files.Count);
            CachedFile f = files[which];
            ulong op = prng.NextBelow(100);
            if (op < 45)
            {
                // A sequential stream of reads of one size.
                long nr = 1 + (long)prng.NextBelow(32);
                yield return Wait.Call(k.PageCache.Read(f, cursors[which], nr, stats));
                cursors[which] = (cursors[which] + nr) % f.NrPages;
            }
            else if (op < 75)
            {
                long index = (long)prng.NextBelow((ulong)f.NrPages);
                if (!k.PageCache.TryRead(f, index, 1 + (long)prng.NextBelow(8)))
                {
                    yield return Wait.Call(k.PageCache.Read(f, index, 1 + (long)prng.NextBelow(8), stats));
                }
            }
            else if (op < 85)
            {
                yield return Wait.Call(k.PageCache.Write(f, (long)prng.NextBelow((ulong)f.NrPages), stats));
            }
            else if (op < 90)
            {
                k.PageCache.Unlink(f);
                cursors[which] = 0;
            }
            else if (op < 95)
            {
                k.DropCaches(1 + (long)prng.NextBelow(3));
            }
            else
            {
                var sc = new ShrinkControl { GfpMask = GfpFlags.Kernel };
                k.Shrinkers.ShrinkSlab(k.Node, sc, (int)prng.NextBelow(13));
            }

            done[0]++;
        }
    }
}
