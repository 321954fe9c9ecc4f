using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memory;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;
using MmSim.Tests.Kernel;
using MmSim.Tests.Support;

namespace MmSim.Tests.Migrate;

/// <summary>Page-cache and anonymous (THP and base) folios migrate, and their owners may let go of them while they are isolated.</summary>
public class KernelFolioMigrationTests
{
    private static MigrateList IsolateAll(LinuxKernel k)
    {
        var list = new MigrateList();
        PageFrame[] pages = k.Node.Pages;
        for (int pfn = 0; pfn < pages.Length; pfn += 1 << (pages[pfn].Has(PageFlags.Allocated) ? pages[pfn].Order : 0))
        {
            if (pages[pfn].Has(PageFlags.Allocated) && k.Migrate.FolioIsolateLru(pfn))
            {
                list.Add(pfn);
            }
        }

        return list;
    }

    private static int NewFolio(LinuxKernel k, int order) => k.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.Anon);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void File_and_anonymous_folios_migrate_or_are_freed_by_the_isolator_after_unlink_and_munmap(bool release)
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        var account = new AllocTally();
        CachedFile file = k.PageCache.Open("f", 16);
        AnonVma vma = k.Mmap(account, 1024, new AnonVmaFlags(ThpMode.Always, ThpDefrag.Madvise, false, false), "p");
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, i, account)));
        }

        Assert.Equal(FaultResult.Huge, (FaultResult)k.RunAtomic(vma.HandleMmFault(0)));
        k.Alloc.DrainAllPages();
        long free0 = k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages);
        MigrateList list = IsolateAll(k);
        Assert.Equal(17, list.Count);
        Assert.Equal(0, k.DropCaches(1)); // isolated folios are not evicted (mapping_evict_folio's reference check)
        if (release)
        {
            k.PageCache.Unlink(file);
            vma.Unmap(0, 1024);
            KernelChecker.Verify(k, "released while isolated");
        }

        var result = new MigrateResult();
        Coroutines.RunInline(k.Migrate.MigratePages(k.BootContext, list, (src, order) => NewFolio(k, order), null, MigrateMode.Async, MigrateReason.Compaction, result));
        Assert.Equal((0, 16 + 512, 1), (result.Ret, result.NrSucceeded, result.NrThpSucceeded));
        Assert.Equal(0, k.Node.VmStat[(int)NodeStatItem.NrIsolatedAnon] + k.Node.VmStat[(int)NodeStatItem.NrIsolatedFile]);
        KernelChecker.Verify(k, "migrated");
        k.Alloc.DrainAllPages();
        long free1 = k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages);
        if (release)
        {
            // Every folio, its copy, and the page table went back.
            Assert.True(free1 >= free0 + 16 + 512, $"{free1} free, {free0} before");
        }
        else
        {
            Assert.Equal(free0, free1);
            Assert.True(vma.IsHuge(0));
            Assert.True(k.Node.Pages[vma.PfnAt(0)].Has(PageFlags.Lru));
            Assert.True(PageCache.TryReadCached(file, 3));
        }
    }
}
