using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Memory;

/// <summary>
/// The allocation a fault makes under the task's NUMA memory policy (the default, local policy on a
/// CONFIG_NUMA kernel): a PMD-sized THP is first tried on the local node only and without reclaim.
/// </summary>
internal static class Mempolicy
{
    /// <summary>
    /// alloc_pages_mpol for the default policy: a PMD-order request first tries
    /// <c>gfp | __GFP_THISNODE | __GFP_NORETRY</c> (compact, don't reclaim), and only a mask with
    /// __GFP_DIRECT_RECLAIM (defrag=always, or madvised under defrag=madvise/defer+madvise) then tries
    /// again with the full mask; other orders allocate once.
    /// </summary>
    /// <param name="pa">Allocation for the faulting task.</param>
    /// <param name="gfp">The fault's mask (vma_thp_gfp_mask for a THP).</param>
    /// <param name="order">Order.</param>
    /// <param name="owner">Owner kind of the head page.</param>
    /// <param name="ownerId">Mapping id.</param>
    /// <returns>The coroutine; the PFN or −1 is in <see cref="TaskContext.AllocResult"/>.</returns>
    /// <remarks>mm/mempolicy.c: alloc_pages_mpol (6.18), with policy MPOL_LOCAL and no nodemask; one node,
    /// so __GFP_THISNODE changes nothing but the slowpath's and the OOM step's decisions.</remarks>
    public static IEnumerable<Wait> AllocPagesMpol(IAllocPagesWait pa, GfpFlags gfp, int order, OwnerKind owner, int ownerId)
    {
        if (order == HugeMemory.HpagePmdOrder)
        {
            yield return Wait.Call(pa.AllocPagesWait(gfp | GfpFlags.ThisNode | GfpFlags.NoRetry, order, owner, ownerId));
            if (pa.Current.AllocResult >= 0 || (gfp & GfpFlags.DirectReclaim) == 0)
            {
                yield break;
            }
        }

        yield return Wait.Call(pa.AllocPagesWait(gfp, order, owner, ownerId));
    }
}
