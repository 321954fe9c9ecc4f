using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Trace;
using MmSim.Sim;

namespace MmSim.Tests.Migrate;

/// <summary>Batches of NR_MAX_BATCHED_MIGRATION, -ENOMEM, the copy cost, and the mm_migrate_pages line.</summary>
public class MigratePagesBatchTests
{
    // Counts frees of sources as kmem:mm_page_free sees them.
    private sealed class FreeCounter : IKmemTrace
    {
        public int Frees { get; private set; }

        public void MmPageAlloc(int pfn, int order, GfpFlags gfp, MigrateType migratetype)
        {
        }

        public void MmPageFree(int pfn, int order) => Frees++;

        public void MmPageAllocExtfrag(int pfn, int allocOrder, int fallbackOrder, MigrateType allocMigratetype, MigrateType fallbackMigratetype, bool changeOwnership)
        {
        }

        public void MmPageAllocZoneLocked(int pfn, int order, MigrateType migratetype, bool percpuRefill)
        {
        }

        public void MmPagePcpuDrain(int pfn, int order, MigrateType migratetype)
        {
        }
    }

    private static IEnumerable<Wait> MigrateAndStamp(MigrateFixture f, MigrateList list, NewFolioCallback get, MigrateResult result, long[] endNs)
    {
        yield return Wait.Call(f.Kernel.Migrate.MigratePages(f.Kernel.Current, list, get, null, MigrateMode.Async, MigrateReason.Compaction, result));
        endNs[0] = f.Kernel.Sim.Now;
    }

    [Fact]
    public void A_list_larger_than_a_batch_is_unmapped_and_moved_batch_by_batch_and_ENOMEM_stops_the_call()
    {
        var f = new MigrateFixture();
        const int nrFolios = 1200;
        const int destinations = 600;
        int[] srcs = new int[nrFolios];
        for (int i = 0; i < nrFolios; i++)
        {
            srcs[i] = f.AddFolio().Pfn;
        }

        MigrateList list = f.Isolate(srcs);
        var frees = new FreeCounter();
        f.Kernel.Alloc.Trace = frees;
        var freesAtCall = new List<int>();
        NewFolioCallback get = (src, order) =>
        {
            freesAtCall.Add(frees.Frees);
            return freesAtCall.Count > destinations ? -1 : f.NewFolio(src, order);
        };

        var result = new MigrateResult();
        long[] endNs = [0];
        f.Kernel.Sim.Spawn("compact", MigrateAndStamp(f, list, get, result, endNs));
        f.Kernel.Sim.Run(SimTime.NsPerSec);

        // All 512 destinations of the first batch exist before its first source is freed; the second
        // batch starts after all 512 moved.
        Assert.Equal(0, freesAtCall[Migration.NrMaxBatchedMigration - 1]);
        Assert.Equal(Migration.NrMaxBatchedMigration, freesAtCall[Migration.NrMaxBatchedMigration]);

        // -ENOMEM at folio 601: the 88 unmapped of the second batch still move, then the call ends; the
        // failing folio counts as one failure and the untried ones are not counted.
        Assert.Equal((-Errno.ENOMEM, destinations), (result.Ret, result.NrSucceeded));
        Assert.Equal(nrFolios - destinations, list.Count);
        Assert.Equal(srcs[destinations], list[0]);
        Assert.Equal((destinations, 1), (f.Event(VmEventItem.PgmigrateSuccess), f.Event(VmEventItem.PgmigrateFail)));

        // The copy is charged once per batch: 600 pages of simulated CPU time in all.
        Assert.Equal(destinations * Migration.CopyNsPerPage, endNs[0]);
        f.Kernel.Migrate.PutbackMovablePages(list);
        Assert.Equal(0, f.NodeStat(NodeStatItem.NrIsolatedAnon));
        KernelChecker.Verify(f.Kernel, "after -ENOMEM");
    }

    [Fact]
    public void The_mm_migrate_pages_lines_are_byte_exact()
    {
        var f = new MigrateFixture();
        var text = new StringWriter { NewLine = "\n" };
        f.Kernel.Migrate.Trace = new FtraceWriter(text, () => f.Kernel.Sim.Now, "kcompactd0", pid: 5, cpu: 1);
        int ok = f.AddFolio().Pfn;
        int pinned = f.AddFolio().Pfn;
        f.Kernel.Refs.AddPins(pinned, 1);
        MigrateList list = f.Isolate(ok, pinned);
        Coroutines.RunInline(f.Kernel.Migrate.MigratePages(f.Kernel.BootContext, list, f.NewFolio, null, MigrateMode.SyncLight, MigrateReason.MemoryHotplug, new MigrateResult()));

        Assert.Equal(
            "      kcompactd0-5       [001] .....     0.000000: mm_migrate_pages_start: mode=MIGRATE_SYNC_LIGHT reason=memory_hotplug\n" +
            "      kcompactd0-5       [001] .....     0.000000: mm_migrate_pages: nr_succeeded=1 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC_LIGHT reason=memory_hotplug\n",
            text.ToString());
    }

    [Fact]
    public void Every_mode_and_reason_has_the_kernels_name()
    {
        Assert.Equal(["MIGRATE_ASYNC", "MIGRATE_SYNC_LIGHT", "MIGRATE_SYNC"], Enum.GetValues<MigrateMode>().Select(FtraceWriter.MigrateModeName));
        Assert.Equal(
            ["compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset", "mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin", "demotion", "damon"],
            Enum.GetValues<MigrateReason>().Select(FtraceWriter.MigrateReasonName));
    }

    [Fact]
    public void A_THP_migrates_whole_and_counts_thp_migration_success()
    {
        var f = new MigrateFixture();
        (int src, int index) = f.AddFolio(order: MmConstants.PageblockOrder);
        MigrateList list = f.Isolate(src);
        var result = new MigrateResult();
        Coroutines.RunInline(f.Kernel.Migrate.MigratePages(f.Kernel.BootContext, list, f.NewFolio, null, MigrateMode.Async, MigrateReason.Compaction, result));
        Assert.Equal((0, 512, 1), (result.Ret, result.NrSucceeded, result.NrThpSucceeded));
        Assert.Equal((512, 1), (f.Event(VmEventItem.PgmigrateSuccess), f.Event(VmEventItem.ThpMigrationSuccess)));
        int dst = f.Anon.Lookup(index);
        Assert.NotEqual(src, dst);
        Assert.Equal(dst + 511, f.Anon.Lookup(index + 511));
        KernelChecker.Verify(f.Kernel, "THP migrated");
    }

    [Fact]
    public void A_folio_its_owner_released_while_isolated_is_freed_by_migration_and_by_putback()
    {
        var f = new MigrateFixture();
        (int a, int ia) = f.AddFolio();
        (int b, int ib) = f.AddFolio();
        MigrateList list = f.Isolate(a);
        MigrateList other = f.Isolate(b);
        f.Kernel.Migrate.FolioPutMapped(a);
        f.Kernel.Migrate.FolioPutMapped(b);
        f.Anon.Release(ia, 0);
        f.Anon.Release(ib, 0);
        Assert.True(f.Pages[a].Has(PageFlags.Allocated)); // the isolation's reference keeps them
        KernelChecker.Verify(f.Kernel, "released while isolated");

        var result = new MigrateResult();
        Coroutines.RunInline(f.Kernel.Migrate.MigratePages(f.Kernel.BootContext, list, f.NewFolio, null, MigrateMode.Async, MigrateReason.Compaction, result));
        Assert.Equal((0, 1, 0), (result.Ret, result.NrSucceeded, f.NewFolioCalls));
        Assert.False(f.Pages[a].Has(PageFlags.Allocated));

        f.Kernel.Migrate.PutbackMovablePages(other);
        Assert.False(f.Pages[b].Has(PageFlags.Allocated));
        Assert.Equal(0, f.NodeStat(NodeStatItem.NrIsolatedAnon));
        KernelChecker.Verify(f.Kernel, "freed by the isolator");
    }

    [Fact]
    public void MayIsolate_follows_the_writeback_policy_and_the_unevictable_and_unmapped_modes()
    {
        var f = new MigrateFixture();
        int wb = f.AddFolio().Pfn;
        f.Kernel.FolioWait.FolioStartWriteback(wb, null);
        int unevictable = f.AddFolio(extra: PageFlags.Unevictable | PageFlags.Mlocked).Pfn;
        int mapped = f.AddFolio().Pfn;
        Migration m = f.Kernel.Migrate;
        Assert.False(m.MayIsolate(wb, IsolateMode.AsyncMigrate));
        Assert.True(m.MayIsolate(wb, IsolateMode.None));
        Assert.False(m.MayIsolate(unevictable, IsolateMode.None));
        Assert.True(m.MayIsolate(unevictable, IsolateMode.Unevictable));
        Assert.False(m.MayIsolate(mapped, IsolateMode.Unmapped));
        Assert.True(m.MayIsolate(mapped, IsolateMode.AsyncMigrate));
    }

    [Fact]
    public void A_movable_ops_page_migrates_through_its_own_path()
    {
        var f = new MigrateFixture();
        var zs = f.Kernel.Mappings.Register(new Mm.Folio.SlotMapping("zsmalloc", 16, Mm.Folio.MappingKind.MovableOps, Mm.Folio.AopsCaps.None));
        int src = f.Kernel.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.MovableOps);
        int index = zs.Insert(src, 0);
        f.Kernel.Rmap.SetFolioMapping(src, zs, index);
        f.Pages[src].Set(PageFlags.MovableOps);
        Migration m = f.Kernel.Migrate;
        Assert.False(m.FolioIsolateLru(src));
        Assert.True(m.IsolateMovableOpsPage(src, IsolateMode.None));
        Assert.False(m.IsolateMovableOpsPage(src, IsolateMode.None)); // isolated already
        var list = new MigrateList();
        list.Add(src);
        var result = new MigrateResult();
        Coroutines.RunInline(m.MigratePages(f.Kernel.BootContext, list, f.NewFolio, null, MigrateMode.Async, MigrateReason.Compaction, result));

        int dst = zs.Lookup(index);
        Assert.Equal((0, 1), (result.Ret, result.NrSucceeded));
        Assert.NotEqual(src, dst);
        Assert.True(f.Pages[dst].Has(PageFlags.MovableOps));
        Assert.False(f.Pages[dst].Has(PageFlags.Lru));
        Assert.False(f.Pages[dst].Has(PageFlags.Isolated));
        Assert.False(f.Pages[src].Has(PageFlags.Allocated));
        Assert.Equal(0, f.NodeStat(NodeStatItem.NrIsolatedAnon) + f.NodeStat(NodeStatItem.NrIsolatedFile));

        // Put back: the page stays with its owner, no longer isolated.
        Assert.True(m.IsolateMovableOpsPage(dst, IsolateMode.None));
        list.Add(dst);
        m.PutbackMovablePages(list);
        Assert.False(f.Pages[dst].Has(PageFlags.Isolated));
        KernelChecker.Verify(f.Kernel, "movable ops");
    }
}
