// Folio reference, pin and map counts (include/linux/mm.h, mm/gup.c): the counts migration and
// reclaim compare against what the mapping and page tables explain. The common case — no extra
// reference, no pin, mapped at most once — costs no memory: only exceptions are stored, in
// sparse tables keyed by head PFN that are looked up, never iterated for results.
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Rmap;

/// <summary>
/// Reference counts of allocated folios beyond what their mapping and page tables imply, GUP pins
/// with the kernel's <c>GUP_PIN_COUNTING_BIAS</c> semantics, and map counts above one.
/// </summary>
/// <remarks>
/// include/linux/mm.h: folio_ref_count, folio_expected_ref_count, folio_maybe_dma_pinned,
/// folio_mapcount; mm/gup.c: try_grab_folio (FOLL_PIN adds GUP_PIN_COUNTING_BIAS to a small
/// folio's refcount, and 1 to a large folio's refcount plus 1 to its _pincount).
/// </remarks>
public sealed class FolioRefs
{
    /// <summary>GUP_PIN_COUNTING_BIAS: what one FOLL_PIN adds to a small folio's refcount.</summary>
    public const int GupPinCountingBias = 1 << 10;

    private readonly PgData node;
    private readonly MappingRegistry mappings;
    private readonly Dictionary<int, int> extraRefs = [];
    private readonly Dictionary<int, int> pins = [];
    private readonly Dictionary<int, int> extraMaps = [];

    /// <summary>Creates the tables for <paramref name="node"/>.</summary>
    /// <param name="node">The node whose folios are counted.</param>
    /// <param name="mappings">The run's mappings (for the mapping kind of each folio).</param>
    public FolioRefs(PgData node, MappingRegistry mappings)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(mappings);
        this.node = node;
        this.mappings = mappings;
    }

    /// <summary>Folios holding extra references now.</summary>
    public int FoliosWithExtraRefs => extraRefs.Count;

    /// <summary>Folios pinned now.</summary>
    public int PinnedFolios => pins.Count;

    /// <summary>folio_get beyond the mapping's and page tables' references (an isolation, a GUP FOLL_GET, an I/O in flight).</summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <param name="delta">References taken (positive) or dropped (negative).</param>
    /// <exception cref="InvalidOperationException">More dropped than taken.</exception>
    public void AddExtraRefs(int pfn, int delta) => Add(extraRefs, pfn, delta, "reference");

    /// <summary>Extra references of the folio at <paramref name="pfn"/>.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The count.</returns>
    public int ExtraRefs(int pfn) => extraRefs.GetValueOrDefault(pfn);

    /// <summary>Pins taken with FOLL_PIN on the folio (try_grab_folio / unpin_user_page).</summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <param name="delta">Pins taken (positive) or released (negative).</param>
    /// <remarks>Keeps <see cref="PageFlags.Pinned"/> on the head page equal to "pin count &gt; 0", so hot paths test one bit.</remarks>
    public void AddPins(int pfn, int delta)
    {
        Add(pins, pfn, delta, "pin");
        ref PageFrame page = ref node.Pages[pfn];
        if (pins.ContainsKey(pfn))
        {
            page.Set(PageFlags.Pinned);
        }
        else
        {
            page.Clear(PageFlags.Pinned);
        }
    }

    /// <summary>FOLL_PIN pins held on the folio (its _pincount for large folios).</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The count.</returns>
    public int Pins(int pfn) => pins.GetValueOrDefault(pfn);

    /// <summary>Adds page-table mappings beyond the first (a folio mapped by several processes).</summary>
    /// <param name="pfn">Head PFN of a mapped folio.</param>
    /// <param name="delta">Mappings added or removed.</param>
    public void AddExtraMappings(int pfn, int delta) => Add(extraMaps, pfn, delta, "mapping");

    /// <summary>folio_mapcount: page-table mappings of the folio (a PMD mapping of a THP counts once).</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The count.</returns>
    public int Mapcount(int pfn) => node.Pages[pfn].Has(PageFlags.Mapped) ? 1 + extraMaps.GetValueOrDefault(pfn) : 0;

    /// <summary>
    /// folio_expected_ref_count: the references the folio's mapping, private data and page tables explain
    /// (6.18): anonymous — one per page from the swap cache; otherwise one per page from the page cache
    /// when it has a mapping, plus one for PG_private; plus one per page-table mapping.
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <returns>The expected count.</returns>
    /// <remarks>include/linux/mm.h: folio_expected_ref_count.</remarks>
    public int ExpectedRefCount(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        int nr = 1 << page.Order;
        int refs = 0;
        MappingKind kind = page.Owner == 0 ? MappingKind.None : mappings[page.Owner].Kind;
        if (kind == MappingKind.Anon)
        {
            refs += page.Has(PageFlags.SwapCache) ? nr : 0;
        }
        else
        {
            refs += kind is MappingKind.File or MappingKind.Shmem ? nr : 0;
            refs += page.Has(PageFlags.Private) ? 1 : 0;
        }

        return refs + Mapcount(pfn);
    }

    /// <summary>
    /// folio_ref_count: expected references, plus the extra ones, plus pins (GUP_PIN_COUNTING_BIAS each
    /// on a small folio, one each on a large folio), plus the allocation's own reference when nothing
    /// else holds it (a kernel page held by its allocator).
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <returns>The count.</returns>
    public int RefCount(int pfn)
    {
        int expected = ExpectedRefCount(pfn);
        int p = Pins(pfn);
        int pinRefs = node.Pages[pfn].Order == 0 ? p * GupPinCountingBias : p;
        return Math.Max(expected, 1) + ExtraRefs(pfn) + pinRefs;
    }

    /// <summary>
    /// folio_maybe_dma_pinned: a large folio with _pincount &gt; 0, or a small folio whose refcount reaches
    /// GUP_PIN_COUNTING_BIAS (which many plain references can also reach: "maybe").
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <returns>True when it may be pinned.</returns>
    public bool MaybeDmaPinned(int pfn) =>
        node.Pages[pfn].Order > 0 ? Pins(pfn) > 0 : RefCount(pfn) >= GupPinCountingBias;

    /// <summary>Moves the counts of a folio to its replacement (migration keeps no references on the old folio).</summary>
    /// <param name="oldPfn">The folio migrated from.</param>
    /// <param name="newPfn">The folio migrated to.</param>
    public void MoveMappings(int oldPfn, int newPfn)
    {
        if (extraMaps.Remove(oldPfn, out int maps))
        {
            extraMaps[newPfn] = maps;
        }
    }

    /// <summary>Forgets a folio being freed; every count must already be zero.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <exception cref="InvalidOperationException">A reference or pin is still held (a use-after-free in the making).</exception>
    public void CheckFreeable(int pfn)
    {
        if (extraRefs.ContainsKey(pfn) || pins.ContainsKey(pfn))
        {
            throw new InvalidOperationException(
                $"pfn 0x{pfn:x} freed with {ExtraRefs(pfn)} extra references and {Pins(pfn)} pins held");
        }

        extraMaps.Remove(pfn);
    }

    /// <summary>Counts held on folios that are not allocated head pages (for the invariant checker); 0 when consistent.</summary>
    /// <returns>The number of inconsistent entries.</returns>
    public int CountStrayEntries()
    {
        int bad = 0;
        bad += CountStray(extraRefs);
        bad += CountStray(pins);
        bad += CountStray(extraMaps);
        foreach (int pfn in pins.Keys)
        {
            bad += node.Pages[pfn].Has(PageFlags.Pinned) ? 0 : 1;
        }

        return bad;
    }

    private int CountStray(Dictionary<int, int> table)
    {
        int bad = 0;
        foreach ((int pfn, int count) in table)
        {
            bad += count > 0 && node.Pages[pfn].Has(PageFlags.Allocated) ? 0 : 1;
        }

        return bad;
    }

    private static void Add(Dictionary<int, int> table, int pfn, int delta, string what)
    {
        int now = table.GetValueOrDefault(pfn) + delta;
        if (now < 0)
        {
            throw new InvalidOperationException($"pfn 0x{pfn:x}: {what} count would go below zero");
        }

        if (now == 0)
        {
            table.Remove(pfn);
        }
        else
        {
            table[pfn] = now;
        }
    }
}
