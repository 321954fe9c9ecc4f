using MmSim.Mm.DebugVm;

namespace MmSim.Kernel;

/// <summary>
/// The whole kernel's invariants: the buddy allocator's (<see cref="FreeAreaChecker"/>) and the folio
/// state's — both directions of the reverse map, reference and pin tables that name only allocated
/// folios (with PG_pinned equal to "pinned"), and lock holders and writeback enders only for folios
/// with those bits set.
/// </summary>
/// <remarks>The kernel's nearest equivalents are CONFIG_DEBUG_VM's VM_BUG_ON_FOLIO checks; this runs
/// after every operation or sampling interval under <c>--check</c>. Cost O(pages + mapping slots).</remarks>
public static class KernelChecker
{
    // Reused by every check: the blocks compaction holds outside the buddy allocator.
    [ThreadStatic]
    private static List<(int Pfn, int Order)>? isolatedBlocks;

    private static List<(int Pfn, int Order)> isolated => isolatedBlocks ??= [];

    /// <summary>Checks everything; throws on the first broken invariant, naming <paramref name="context"/>.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="context">What just happened, for replay (operation, time, seed).</param>
    /// <exception cref="InvalidOperationException">An invariant is broken.</exception>
    public static void Verify(LinuxKernel kernel, string context)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        isolated.Clear();
        kernel.Compact.IsolatedFreeBlocks(isolated);
        FreeAreaChecker.Verify(kernel.Alloc, context, isolated);
        if (kernel.Rmap.Verify() is { } rmapProblem)
        {
            throw new InvalidOperationException($"invariant violated after {context}: reverse map: {rmapProblem}");
        }

        if (kernel.Migrate.VerifyMovable() is { } movableProblem)
        {
            throw new InvalidOperationException($"invariant violated after {context}: migration: {movableProblem}");
        }

        int stray = kernel.Refs.CountStrayEntries();
        if (stray != 0)
        {
            throw new InvalidOperationException($"invariant violated after {context}: {stray} reference, pin or map counts on folios that are not allocated (or pinned without PG_pinned)");
        }

        stray = kernel.FolioWait.CountStrayRecords();
        if (stray != 0)
        {
            throw new InvalidOperationException($"invariant violated after {context}: {stray} lock holders or writeback enders of folios without PG_locked/PG_writeback");
        }

        foreach ((string name, Func<string?> check) in kernel.Checks)
        {
            if (check() is { } problem)
            {
                throw new InvalidOperationException($"invariant violated after {context}: {name}: {problem}");
            }
        }
    }
}
