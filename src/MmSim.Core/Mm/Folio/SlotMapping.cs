namespace MmSim.Mm.Folio;

/// <summary>
/// A mapping whose forward map its owner indexes directly: the owner holds slot indexes, never PFNs,
/// so when migration moves a folio the owner finds it at its new PFN (the page tables of an
/// anonymous region play this part in the kernel). Freed index ranges are reused per order, so a
/// churning owner's map stays as large as its peak.
/// </summary>
/// <remarks>Stands for the anon_vma and page tables of the raw movable allocations of workloads and
/// op scripts (mm/rmap.c: folio_add_new_anon_rmap). O(1) per reserve and release.</remarks>
public sealed class SlotMapping : Mapping
{
    private readonly Stack<int>[] freeRanges = new Stack<int>[MmConstants.MaxPageOrder + 1];
    private int used;

    /// <summary>Creates an empty map.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="capacityPages">Initial slots (grows by doubling).</param>
    /// <param name="kind">What the owner stands for (anonymous memory by default).</param>
    /// <param name="aops">Its operations (anonymous memory migrates through migrate_folio).</param>
    public SlotMapping(string name, int capacityPages, MappingKind kind = MappingKind.Anon, AopsCaps aops = AopsCaps.MigrateFolio)
        : base(kind, name, aops)
    {
        var slots = new int[Math.Max(16, capacityPages)];
        Array.Fill(slots, EmptySlot);
        Slots = slots;
        for (int order = 0; order < freeRanges.Length; order++)
        {
            freeRanges[order] = new Stack<int>();
        }
    }

    /// <summary>
    /// Reserves 2^<paramref name="order"/> consecutive slots and points them at the folio at
    /// <paramref name="pfn"/> (the caller then records the mapping on the folio with Rmap.SetFolioMapping).
    /// </summary>
    /// <param name="pfn">Head PFN of the folio.</param>
    /// <param name="order">Its order.</param>
    /// <returns>The first slot index.</returns>
    public int Insert(int pfn, int order)
    {
        int nr = 1 << order;
        if (!freeRanges[order].TryPop(out int index))
        {
            index = used;
            used += nr;
            int[] slots = Slots!;
            if (used > slots.Length)
            {
                int oldLength = slots.Length;
                Array.Resize(ref slots, Math.Max(used, slots.Length * 2));
                Array.Fill(slots, EmptySlot, oldLength, slots.Length - oldLength);
                Slots = slots;
            }
        }

        for (int i = 0; i < nr; i++)
        {
            Slots![index + i] = pfn + i;
        }

        return index;
    }

    /// <summary>Gives back the slots of a folio that was unmapped (its slots empty again).</summary>
    /// <param name="index">The first slot index from <see cref="Insert"/>.</param>
    /// <param name="order">The folio's order.</param>
    /// <exception cref="InvalidOperationException">A slot still points at a folio.</exception>
    public void Release(int index, int order)
    {
        for (int i = 0; i < 1 << order; i++)
        {
            if (Slots![index + i] != EmptySlot)
            {
                throw new InvalidOperationException($"{Name}: slot {index + i} released while it maps pfn {Slots[index + i]}");
            }
        }

        freeRanges[order].Push(index);
    }
}
