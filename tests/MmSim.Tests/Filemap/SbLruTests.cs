using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Tests.Filemap;

/// <summary>
/// The superblock LRU sizes kept as files change (SbLru) against a count over every file, through random
/// changes of what decides them: dentry and inode presence, cached pages, shadow entries and slot 0.
/// </summary>
public class SbLruTests
{
    [Fact]
    public void CountsMatchAWalkOverEveryFileThroughRandomChanges()
    {
        var prng = new Prng(5);
        var sb = new SbLru();
        var files = new List<CachedFile>();
        for (int i = 0; i < 40; i++)
        {
            var file = new CachedFile($"f{i}", 4, shmem: i % 10 == 9) { InodeLoaded = true, DentryLoaded = true };
            file.Sb = sb;
            files.Add(file);
        }

        for (int step = 0; step < 20_000; step++)
        {
            CachedFile f = files[(int)prng.NextBelow((ulong)files.Count)];
            switch (prng.NextBelow(6))
            {
                case 0: f.DentryLoaded = !f.DentryLoaded; break;
                case 1: f.InodeLoaded = !f.InodeLoaded; break;
                case 2: f.NrCached = f.NrCached == 0 ? 1 + (long)prng.NextBelow(3) : 0; break;
                case 3: f.NrShadows = (long)prng.NextBelow(4); break;
                case 4: f.Pfn[0] = prng.NextBelow(2) == 0 ? Mm.Folio.Mapping.EmptySlot : Mm.Folio.Mapping.EmptySlot - 1; break;
                default:
                    if (prng.NextBelow(50) == 0)
                    {
                        long onLru = files.Count(x => x.InodeOnLru);
                        Assert.Equal(onLru, sb.EvictAllInodes());
                        Assert.DoesNotContain(files, x => x.InodeOnLru);
                    }

                    break;
            }

            Assert.Equal(files.Count(x => !x.IsShmem && x.DentryLoaded), sb.Dentries);
            Assert.Equal(files.Count(x => !x.IsShmem && x.InodeLoaded && !x.DentryLoaded && x.NrCached == 0
                && (x.NrShadows == 0 || (x.NrShadows == 1 && x.Pfn[0] < Mm.Folio.Mapping.EmptySlot))), sb.CountInodes());
        }
    }
}
