using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Memory;
using MmSim.Sim;

using MmSim.Tests.Support;

namespace MmSim.Tests.Kernel;

/// <summary>
/// The reverse map under random replacement (what migration does) and unmapping (what reclaim does):
/// every lookup by (mapping, index) and every page table keeps pointing at the right PFN.
/// </summary>
public class ReverseMapTests
{
    private const int FilePages = 512;
    private const int AnonPages = 2048;

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_replace_and_unmap_keep_every_lookup_right(ulong seed)
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        var rng = new Prng(seed);
        var account = new AllocTally();
        CachedFile file = k.PageCache.Open("f", FilePages);
        AnonVma vma = k.Mmap(account, AnonPages, new AnonVmaFlags(ThpMode.Always, ThpDefrag.Madvise, false, false), "p");
        for (int i = 0; i < FilePages; i++)
        {
            Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, i, account)));
        }

        for (int i = 0; i < AnonPages; i += 1 + (int)rng.NextBelow(8))
        {
            Assert.NotEqual((int)FaultResult.Oom, k.RunAtomic(vma.HandleMmFault(i)));
        }

        // Model of what each slot must hold, kept independently of the kernel's arrays.
        int[] fileModel = (int[])file.Pfn.Clone();
        int[] anonModel = new int[AnonPages];
        for (int i = 0; i < AnonPages; i++)
        {
            anonModel[i] = vma.PfnAt(i);
        }

        int replaced = 0, unmapped = 0;
        for (int op = 0; op < 400; op++)
        {
            bool onFile = rng.NextBelow(2) == 0;
            Mapping mapping = onFile ? file : vma;
            int[] model = onFile ? fileModel : anonModel;
            int index = (int)rng.NextBelow((ulong)model.Length);
            int pfn = model[index];
            if (pfn < 0)
            {
                continue;
            }

            int head = onFile ? pfn : HeadOf(k, pfn);
            int order = k.Node.Pages[head].Order;
            int first = k.Node.FolioIndex[head];
            Assert.Same(mapping, k.Rmap.FolioMapping(head));
            if (rng.NextBelow(4) != 0)
            {
                int dst = k.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.File);
                if (dst < 0)
                {
                    continue;
                }

                k.Lru.FolioPutLru(head);
                k.Rmap.ReplaceFolio(head, dst);
                k.Lru.FolioAddLru(dst);
                k.Alloc.FreePages(head, order);
                Shift(model, first, 1 << order, head, dst);
                replaced++;
            }
            else
            {
                k.Rmap.Unmap(head);
                k.Lru.FolioPutLru(head);
                k.Alloc.FreePages(head, order);
                Shift(model, first, 1 << order, head, -1);

                // __filemap_remove_folio also drops mapping->nrpages (the page cache's check counts it).
                if (onFile)
                {
                    file.NrCached -= 1 << order;
                }

                unmapped++;
            }

            AssertAgrees(k, file, fileModel);
            AssertAgrees(k, vma, anonModel);
            KernelChecker.Verify(k, $"seed {seed} op {op}");
        }

        Assert.True(replaced > 100 && unmapped > 30, $"seed {seed}: {replaced} replaced, {unmapped} unmapped");
    }

    [Fact]
    public void The_checker_sees_a_slot_that_does_not_point_back()
    {
        LinuxKernel k = BlockingKernelTests.Boot();
        CachedFile file = k.PageCache.Open("f", 8);
        Assert.Equal(1, k.RunAtomic(k.PageCache.Read(file, 3, new AllocTally())));
        Assert.Null(k.Rmap.Verify());
        (file.Pfn[3], file.Pfn[4]) = (-1, file.Pfn[3]);
        Assert.NotNull(k.Rmap.Verify());
    }

    public static TheoryData<ulong> Seeds()
    {
        var data = new TheoryData<ulong>();
        for (ulong s = 1; s <= 40; s++)
        {
            data.Add(s);
        }

        return data;
    }

    // Slots from first on that held the folio at oldHead now hold newHead (or nothing).
    private static void Shift(int[] model, int first, int nr, int oldHead, int newHead)
    {
        for (int i = 0; i < nr; i++)
        {
            if (model[first + i] >= 0)
            {
                Assert.Equal(oldHead + i, model[first + i]);
                model[first + i] = newHead < 0 ? -1 : newHead + i;
            }
        }
    }

    private static void AssertAgrees(LinuxKernel k, Mapping mapping, int[] model)
    {
        for (int i = 0; i < model.Length; i++)
        {
            int got = mapping.Lookup(i);
            Assert.Equal(model[i], got < 0 ? -1 : got);
            if (got >= 0)
            {
                Assert.True(k.Node.Pages[HeadOf(k, got)].Has(PageFlags.Allocated));
            }
        }
    }

    private static int HeadOf(LinuxKernel k, int pfn)
    {
        for (int order = 0; order <= MmConstants.MaxPageOrder; order++)
        {
            int head = pfn & ~((1 << order) - 1);
            if (k.Node.Pages[head].Has(PageFlags.Allocated) && head + (1 << k.Node.Pages[head].Order) > pfn)
            {
                return head;
            }
        }

        throw new InvalidOperationException($"pfn {pfn} is in no allocated block");
    }
}
