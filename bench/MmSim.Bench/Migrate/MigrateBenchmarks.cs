using BenchmarkDotNet.Attributes;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Bench.Migrate;

/// <summary>
/// migrate_pages of 64 Ki order-0 LRU folios in MIGRATE_SYNC (which first tries them in ASYNC
/// batches of 512) on a 1 GiB node: isolation, unmap, move, the mapping switch and the frees.
/// </summary>
[MemoryDiagnoser]
public class MigrateBenchmarks
{
    private const int NrFolios = 64 * 1024;

    private LinuxKernel kernel = null!;
    private SlotMapping mapping = null!;
    private readonly MigrateList list = new(NrFolios);
    private readonly MigrateResult result = new();
    private NewFolioCallback newFolio = null!;

    /// <summary>Boots the node and maps the folios.</summary>
    [GlobalSetup]
    public void Setup()
    {
        kernel = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, 1L << 18, 0, 0)], []),
            new KernelParams { Alloc = new PageAllocOptions(), Compact = _ => NoCompaction.Instance, Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance },
            seed: 1);
        mapping = kernel.Mappings.Register(new SlotMapping("bench", NrFolios));
        newFolio = (src, order) => kernel.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.Anon);
        for (int i = 0; i < NrFolios; i++)
        {
            int pfn = kernel.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon);
            int slot = mapping.Insert(pfn, 0);
            kernel.Rmap.SetFolioMapping(pfn, mapping, slot);
            kernel.Node.Pages[pfn].Set(PageFlags.Lru | PageFlags.SwapBacked | PageFlags.Uptodate | PageFlags.Mapped);
        }
    }

    /// <summary>Isolates every folio and migrates them all (MIGRATE_SYNC, compaction reason).</summary>
    /// <returns>Pages migrated.</returns>
    [Benchmark(OperationsPerInvoke = NrFolios)]
    public int MigrateSync64Ki()
    {
        for (int i = 0; i < NrFolios; i++)
        {
            int pfn = mapping.Lookup(i);
            kernel.Migrate.FolioIsolateLru(pfn);
            list.Add(pfn);
        }

        Coroutines.RunInline(kernel.Migrate.MigratePages(kernel.BootContext, list, newFolio, null, MigrateMode.Sync, MigrateReason.Compaction, result));
        return result.NrSucceeded;
    }
}
