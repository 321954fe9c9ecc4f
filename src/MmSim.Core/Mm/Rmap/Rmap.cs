using System.Diagnostics;
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Rmap;

/// <summary>
/// The reverse map: from a folio to the mapping slot or page-table entries that point at it, in O(1)
/// per folio through the mapping id and index recorded on its head page.
/// </summary>
/// <remarks>
/// mm/rmap.c (try_to_unmap, rmap walks) and the mapping half of mm/migrate.c
/// (__folio_migrate_mapping, remove_migration_ptes, folio_migrate_flags). The kernel finds a
/// folio's mappers through page-&gt;mapping and page-&gt;index; mmsim stores the same two values
/// (<see cref="PageFrame.Owner"/>, <see cref="PgData.FolioIndex"/>).
/// </remarks>
public sealed class Rmap
{
    // Flags that describe the folio's contents and state, which migration carries to the new folio
    // (folio_migrate_flags; PG_lru is not among them: the new folio joins the LRU through folio_add_lru);
    // the allocation fields (order, migratetype, Allocated) stay the new block's.
    private const PageFlags MigratedFlags =
        PageFlags.Dirty | PageFlags.Reclaim | PageFlags.Active | PageFlags.Referenced |
        PageFlags.Unevictable | PageFlags.SwapBacked | PageFlags.Uptodate | PageFlags.Private |
        PageFlags.SwapCache | PageFlags.Mlocked | PageFlags.Mapped | PageFlags.MovableOps;

    private readonly PgData node;
    private readonly MappingRegistry mappings;
    private readonly FolioRefs refs;

    /// <summary>Creates the reverse map of <paramref name="node"/>.</summary>
    /// <param name="node">The node.</param>
    /// <param name="mappings">The run's mappings.</param>
    /// <param name="refs">The run's reference counts.</param>
    public Rmap(PgData node, MappingRegistry mappings, FolioRefs refs)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(refs);
        this.node = node;
        this.mappings = mappings;
        this.refs = refs;
    }

    /// <summary>The run's mappings.</summary>
    public MappingRegistry Mappings => mappings;

    /// <summary>The run's folio reference and pin counts.</summary>
    public FolioRefs Refs => refs;

    /// <summary>The mapping of the folio at <paramref name="pfn"/> (folio_mapping / folio_anon_vma), or null.</summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <returns>The mapping or null.</returns>
    public Mapping? FolioMapping(int pfn) => mappings.Find(node.Pages[pfn].Owner);

    /// <summary>
    /// Records that the allocated folio at <paramref name="pfn"/> holds <paramref name="index"/> of
    /// <paramref name="mapping"/> (filemap_add_folio, folio_add_new_anon_rmap): its head page names the
    /// mapping and index; the caller stores the PFN in the mapping's forward map.
    /// </summary>
    /// <param name="pfn">Head PFN.</param>
    /// <param name="mapping">A registered mapping.</param>
    /// <param name="index">The folio's first index in it.</param>
    public void SetFolioMapping(int pfn, Mapping mapping, long index)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        Debug.Assert(mapping.Id != 0, "registered mapping");
        Debug.Assert(index is >= 0 and <= int.MaxValue, "page index fits page->index");
        node.Pages[pfn].Owner = mapping.Id;
        node.FolioIndex[pfn] = (int)index;
    }

    /// <summary>
    /// Replaces the folio at <paramref name="oldPfn"/> by the one at <paramref name="newPfn"/> in its
    /// mapping: the forward map points at the new folio, which takes the old one's mapping, index,
    /// memcg, state flags and map count. The old folio is left allocated, unmapped and clean, for its
    /// owner to free.
    /// </summary>
    /// <param name="oldPfn">Head PFN of the source folio (allocated, in a mapping).</param>
    /// <param name="newPfn">Head PFN of the destination (allocated, same order, no mapping yet).</param>
    /// <exception cref="InvalidOperationException">The source has no forward map, or the orders differ.</exception>
    /// <remarks>mm/migrate.c: __folio_migrate_mapping, folio_migrate_flags, remove_migration_ptes. O(folio pages).</remarks>
    public void ReplaceFolio(int oldPfn, int newPfn)
    {
        ref PageFrame src = ref node.Pages[oldPfn];
        ref PageFrame dst = ref node.Pages[newPfn];
        if (src.Order != dst.Order || !src.Has(PageFlags.Allocated) || !dst.Has(PageFlags.Allocated))
        {
            throw new InvalidOperationException($"replace pfn 0x{oldPfn:x} by 0x{newPfn:x}: both must be allocated folios of one order");
        }

        Mapping mapping = FolioMapping(oldPfn) ?? throw new InvalidOperationException($"pfn 0x{oldPfn:x} has no mapping to migrate in");
        int index = node.FolioIndex[oldPfn];
        mapping.ReplaceFolio(index, oldPfn, newPfn, 1 << src.Order);
        dst.Owner = src.Owner;
        dst.OwnerKind = src.OwnerKind;
        node.FolioIndex[newPfn] = index;
        node.FolioMemcg[newPfn] = node.FolioMemcg[oldPfn];
        node.FolioMemcg[oldPfn] = 0;
        dst.Flags |= src.Flags & (uint)MigratedFlags;
        refs.MoveMappings(oldPfn, newPfn);
        src.Flags &= ~(uint)MigratedFlags;
        src.Owner = 0;
        node.FolioIndex[oldPfn] = 0;
    }

    /// <summary>
    /// Removes every page-table or cache entry that points at the folio, leaving it allocated with no
    /// mapping (try_to_unmap for a mapped folio, __filemap_remove_folio for a cached one).
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio in a mapping with a forward map.</param>
    /// <exception cref="InvalidOperationException">The folio has no mapping.</exception>
    public void Unmap(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        Mapping mapping = FolioMapping(pfn) ?? throw new InvalidOperationException($"pfn 0x{pfn:x} is in no mapping");
        mapping.UnmapFolio(node.FolioIndex[pfn], pfn, 1 << page.Order);
        page.Clear(PageFlags.Mapped);
        page.Owner = 0;
        node.FolioIndex[pfn] = 0;
    }

    /// <summary>
    /// Checks both directions of the map for every allocated folio in a mapping with a forward map:
    /// its slots point back at it, and every slot of every mapping points at an allocated folio that
    /// names that mapping and index. O(pages + slots).
    /// </summary>
    /// <returns>A description of the first inconsistency, or null.</returns>
    public string? Verify()
    {
        PageFrame[] pages = node.Pages;
        for (int pfn = 0; pfn < pages.Length; pfn += 1 << Math.Max(0, pages[pfn].Has(PageFlags.Allocated) ? pages[pfn].Order : 0))
        {
            ref PageFrame page = ref pages[pfn];
            if (!page.Has(PageFlags.Allocated) || page.Owner == 0 || mappings[page.Owner].Slots is not { } slots)
            {
                continue;
            }

            // A large folio may be partly unmapped (munmap of part of a THP defers its split), so its
            // slots either point back or are empty; an order-0 folio's slot must point back.
            int index = node.FolioIndex[pfn];
            for (int i = 0; i < 1 << page.Order; i++)
            {
                if (index + i >= slots.Length || (slots[index + i] != pfn + i && (page.Order == 0 || slots[index + i] >= 0)))
                {
                    return $"pfn 0x{pfn + i:x} names {mappings[page.Owner].Name} index {index + i}, whose slot does not point back";
                }
            }
        }

        for (int id = 1; id <= mappings.Count; id++)
        {
            if (VerifySlots(mappings[id]) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private string? VerifySlots(Mapping mapping)
    {
        if (mapping.Slots is not { } slots)
        {
            return null;
        }

        for (int index = 0; index < slots.Length; index++)
        {
            int pfn = slots[index];
            if (pfn < 0)
            {
                continue;
            }

            int head = FolioHead(pfn);
            if (head < 0 || node.Pages[head].Owner != mapping.Id || node.FolioIndex[head] + (pfn - head) != index)
            {
                return $"{mapping.Name} index {index} points at pfn 0x{pfn:x}, which is not that index of that mapping";
            }
        }

        return null;
    }

    // The head of the allocated block containing pfn: the nearest allocated head below whose order covers it.
    private int FolioHead(int pfn)
    {
        for (int order = 0; order <= MmConstants.MaxPageOrder; order++)
        {
            int head = pfn & ~((1 << order) - 1);
            ref PageFrame page = ref node.Pages[head];
            if (page.Has(PageFlags.Allocated) && page.Order >= order && pfn < head + (1 << page.Order))
            {
                return head;
            }
        }

        return -1;
    }
}
