using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memory;
using MmSim.Mm.Rmap;
using MmSim.Tests.Support;

namespace MmSim.Tests.Kernel;

/// <summary>
/// Reference, pin and map counts as include/linux/mm.h defines them in 6.18: folio_expected_ref_count,
/// folio_ref_count with GUP_PIN_COUNTING_BIAS, folio_maybe_dma_pinned.
/// </summary>
public class FolioRefsTests
{
    [Fact]
    public void A_page_cache_folio_expects_one_reference_per_page_plus_one_for_PG_private()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 4);
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 2, new AllocTally())));
        int pfn = file.Pfn[2];
        Assert.Equal(1, k.Refs.ExpectedRefCount(pfn));
        k.Node.Pages[pfn].Set(PageFlags.Private);
        Assert.Equal(2, k.Refs.ExpectedRefCount(pfn));
        k.Refs.AddExtraRefs(pfn, 1);  // isolation's folio_get
        Assert.Equal(3, k.Refs.RefCount(pfn));
        Assert.False(k.Refs.MaybeDmaPinned(pfn));
    }

    [Fact]
    public void An_anonymous_folio_expects_its_mappings_and_the_swap_cache_but_not_the_mapping()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        AnonVma vma = k.Mmap(new AllocTally(), 1024, new AnonVmaFlags(ThpMode.Always, ThpDefrag.Madvise, false, false), "p");
        Assert.Equal((int)FaultResult.Huge, k.RunAtomic(vma.HandleMmFault(0)));
        int head = vma.PfnAt(0);
        Assert.Equal(9, k.Node.Pages[head].Order);
        int nr = 1 << k.Node.Pages[head].Order;
        Assert.Equal(1, k.Refs.ExpectedRefCount(head));  // one page-table mapping (a PMD counts once)
        k.Node.Pages[head].Set(PageFlags.SwapCache);
        Assert.Equal(nr + 1, k.Refs.ExpectedRefCount(head));
        k.Refs.AddExtraMappings(head, 2);
        Assert.Equal(3, k.Refs.Mapcount(head));
        Assert.Equal(nr + 3, k.Refs.ExpectedRefCount(head));
    }

    [Fact]
    public void A_pin_adds_GUP_PIN_COUNTING_BIAS_to_a_small_folio_and_one_plus_pincount_to_a_large_one()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        int small = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon);
        int large = k.AllocPages(GfpFlags.HighUserMovable | GfpFlags.Comp, 9, OwnerKind.Anon);
        k.Refs.AddPins(small, 1);
        k.Refs.AddPins(large, 1);
        Assert.Equal(1 + FolioRefs.GupPinCountingBias, k.Refs.RefCount(small));
        Assert.Equal(2, k.Refs.RefCount(large));
        Assert.True(k.Refs.MaybeDmaPinned(small));
        Assert.True(k.Refs.MaybeDmaPinned(large));
        Assert.True(k.Node.Pages[small].Has(PageFlags.Pinned));

        // "maybe": enough plain references on a small folio look like a pin; on a large one they never do.
        k.Refs.AddPins(small, -1);
        k.Refs.AddPins(large, -1);
        Assert.False(k.Node.Pages[small].Has(PageFlags.Pinned));
        k.Refs.AddExtraRefs(small, FolioRefs.GupPinCountingBias);
        k.Refs.AddExtraRefs(large, FolioRefs.GupPinCountingBias);
        Assert.True(k.Refs.MaybeDmaPinned(small));
        Assert.False(k.Refs.MaybeDmaPinned(large));
    }

    [Fact]
    public void Freeing_a_pinned_folio_is_refused_and_a_stray_pin_fails_the_kernel_checker()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        int pfn = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon);
        k.Refs.AddPins(pfn, 1);
        Assert.Throws<InvalidOperationException>(() => k.Refs.CheckFreeable(pfn));
        Assert.Throws<InvalidOperationException>(() => k.Refs.AddPins(pfn, -2));
        KernelChecker.Verify(k, "pinned and allocated");
        k.Alloc.FreePages(pfn, 0);
        Assert.Throws<InvalidOperationException>(() => KernelChecker.Verify(k, "freed while pinned"));
    }
}
