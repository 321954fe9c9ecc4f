using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using static MmSim.Tests.KernelRules.Support.RuleMachines;

namespace MmSim.Tests.DebugVm;

/// <summary>
/// The VM_BUG_ON-style checks of the buddy core (<see cref="VmBug"/>): they are compiled into the
/// test run, each fires on the broken state it guards against and names the kernel check, and a
/// passing check costs no allocation. The first test is the vopr-style refusal: a test run built
/// without DEBUG_VM (plain <c>-c Release</c>) fails here; CI builds with <c>-p:DebugVm=true</c>.
/// </summary>
public class VmBugTests
{
    // __free_one_page: VM_BUG_ON_PAGE(pfn & ((1 << order) - 1), page). Without DEBUG_VM in
    // MmSim.Core the call would silently link a misaligned block; with it, the check throws.
    [Fact]
    public void Checks_are_compiled_into_the_test_run()
    {
        PageAllocator a = Normal(4);
        Zone z = a.NormalZone();
        int pfn = a.RmqueueSmallest(z, 0, MigrateType.Movable);
        Assert.True(pfn >= 0);
        int misaligned = pfn | 1;
        a.Node.Pages[misaligned].Flags = 0;

        VmBugException? e = null;
        try
        {
            a.FreeOnePage(z, misaligned, 1, MigrateType.Movable, FreeFlags.None);
        }
        catch (VmBugException caught)
        {
            e = caught;
        }

        Assert.True(e != null, "MmSim.Core was built without DEBUG_VM, so this test run has no VM_BUG_ON checks: run the tests from a Debug build (dotnet test) or with -p:DebugVm=true (.ci/run)");
        Assert.Contains("VM_BUG_ON_PAGE(pfn & ((1 << order) - 1), page) in __free_one_page", e.Check, StringComparison.Ordinal);
        Assert.False(e.IsWarning);
        Assert.Equal(misaligned, e.Pfn);
    }

#if DEBUG_VM
    // The tests below need the checks; without them the first test above already fails the run.
    // VM_BUG_ON_PAGE's report is dump_page: the PFN and the packed flags word, decoded.
    [Fact]
    public void Freeing_a_free_page_names_the_pfn_and_the_page_state()
    {
        PageAllocator a = Normal(4);
        int pfn = a.AllocPages(GfpFlags.Kernel, 2);
        a.FreePages(pfn, 2);
        uint flags = a.Node.Pages[pfn].Flags;

        var e = Assert.Throws<VmBugException>(() => a.FreePages(pfn, 2));
        Assert.Contains("not allocated", e.Check, StringComparison.Ordinal);
        Assert.Equal(pfn, e.Pfn);
        Assert.Equal(flags, e.PageFlags);
        Assert.Contains($"pfn 0x{pfn:x} flags 0x{flags:x8}", e.Message, StringComparison.Ordinal);
        Assert.Contains("Buddy", e.Message, StringComparison.Ordinal);
    }

    // __free_pages_prepare: VM_BUG_ON_PAGE(compound && compound_order(page) != order, page).
    [Fact]
    public void Freeing_with_the_wrong_order_is_a_bug()
    {
        PageAllocator a = Normal(4);
        int pfn = a.AllocPages(GfpFlags.Kernel, 3);
        var e = Assert.Throws<VmBugException>(() => a.FreePages(pfn, 2));
        Assert.Contains("compound_order(page) != order", e.Check, StringComparison.Ordinal);
        Assert.True(a.Node.Pages[pfn].Has(PageFlags.Allocated), "the refused free changed nothing");
    }

    // __del_page_from_free_list: VM_WARN_ONCE(get_pageblock_migratetype(page) != migratetype, ...).
    [Fact]
    public void Unlinking_from_another_types_list_warns_with_both_types()
    {
        PageAllocator a = Normal(4);
        Zone z = a.NormalZone();
        int pfn = z.FreeListHead(MmConstants.MaxPageOrder, MigrateType.Movable);
        Assert.True(pfn >= 0);

        var e = Assert.Throws<VmBugException>(() => a.DelFromFreeList(z, pfn, MmConstants.MaxPageOrder, MigrateType.Unmovable));
        Assert.True(e.IsWarning);
        Assert.Contains("__del_page_from_free_list", e.Check, StringComparison.Ordinal);
        Assert.Contains("page type is Movable, passed migratetype is Unmovable", e.Message, StringComparison.Ordinal);
    }

    // The page named must be PageBuddy of that order: unlinking an order-10 head as order 9 would
    // move nr_free of the wrong order.
    [Fact]
    public void Unlinking_with_the_wrong_order_is_a_bug()
    {
        PageAllocator a = Normal(4);
        Zone z = a.NormalZone();
        int pfn = z.FreeListHead(MmConstants.MaxPageOrder, MigrateType.Movable);
        var e = Assert.Throws<VmBugException>(() => a.DelFromFreeList(z, pfn, MmConstants.PageblockOrder, MigrateType.Movable));
        Assert.Contains("not PageBuddy of this order", e.Check, StringComparison.Ordinal);
    }

    // __move_freepages_block: VM_WARN_ON(start_pfn & (pageblock_nr_pages - 1)).
    [Fact]
    public void Moving_free_pages_from_an_unaligned_start_warns()
    {
        PageAllocator a = Normal(4);
        var e = Assert.Throws<VmBugException>(() => a.MoveFreepagesBlockRaw(a.NormalZone(), BlockPfn(1) + 8, MigrateType.Movable, MigrateType.Unmovable));
        Assert.Equal("VM_WARN_ON(start_pfn & (pageblock_nr_pages - 1)) in __move_freepages_block", e.Check);
    }

    // __free_one_page: VM_BUG_ON_PAGE(page->flags & PAGE_FLAGS_CHECK_AT_PREP, page) — a block that
    // is still a free buddy head cannot be freed again.
    [Fact]
    public void Freeing_a_buddy_head_into_the_buddy_lists_is_a_bug()
    {
        PageAllocator a = Normal(4);
        Zone z = a.NormalZone();
        int pfn = z.FreeListHead(MmConstants.MaxPageOrder, MigrateType.Movable);
        var e = Assert.Throws<VmBugException>(() => a.FreeOnePage(z, pfn, MmConstants.MaxPageOrder, MigrateType.Movable, FreeFlags.None));
        Assert.Contains("PAGE_FLAGS_CHECK_AT_PREP", e.Check, StringComparison.Ordinal);
    }

    // expand: VM_BUG_ON_PAGE(bad_range(zone, &page[size]), &page[size]) — splitting a block that
    // does not lie in the zone puts a half outside it.
    [Fact]
    public void Expanding_across_the_zone_edge_is_a_bug()
    {
        PageAllocator a = Normal(4);
        Zone dma32 = a.Node.Zones[(int)ZoneType.Dma32];

        // DMA32 ends at PFN 1024: the upper half of an order-10 block at PFN 512 would start there.
        var e = Assert.Throws<VmBugException>(() => a.Expand(dma32, 512, 9, 10, MigrateType.Movable));
        Assert.Contains("bad_range", e.Check, StringComparison.Ordinal);
        Assert.True(e.Pfn >= dma32.ZoneEndPfn);
    }
#endif

    // A passing check allocates nothing: the order-0 fast path with every check on.
    [Fact]
    public void Passing_checks_allocate_nothing()
    {
        PageAllocator a = Normal(8, pcp: true);
        for (int i = 0; i < 100; i++)
        {
            a.FreePages(a.AllocPages(GfpFlags.Kernel, 0), 0);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            int pfn = a.AllocPages(GfpFlags.Kernel, i % 4);
            a.FreePages(pfn, i % 4);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // mm/page_alloc.c: BUILD_BUG_ON(ALLOC_NO_WATERMARKS < NR_WMARK) in get_page_from_freelist —
    // the watermark index shares alloc_flags with the other bits.
    [Fact]
    public void AllocNoWatermarksLiesAboveTheWatermarkIndex()
    {
        Assert.True((int)AllocFlags.NoWatermarks >= 4);
        Assert.Equal(0, (int)(AllocFlags.NoWatermarks & AllocFlags.WmarkMask));
        Assert.Equal(3, (int)AllocFlags.WmarkMask);
    }
}
