using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace MmSim.Mm;

/// <summary>
/// The cheap debug-VM assertions: <c>VM_BUG_ON</c>, <c>VM_BUG_ON_PAGE</c>, <c>VM_WARN_ON</c> and
/// <c>VM_WARN_ONCE</c> of include/linux/mmdebug.h, compiled in only when <c>DEBUG_VM</c> is defined.
/// </summary>
/// <remarks>
/// <para>
/// Builds define <c>DEBUG_VM</c> in the Debug configuration and with <c>-p:DebugVm=true</c>
/// (Directory.Build.props), the way the kernel has these checks only under CONFIG_DEBUG_VM. Every
/// method is <c>[Conditional("DEBUG_VM")]</c>, so a plain Release build drops each call together
/// with the evaluation of its arguments: the hot path pays nothing. With the checks on, a passing
/// check costs one branch and allocates nothing (the check names are constant strings; the message
/// is formatted only when the check fails).
/// </para>
/// <para>
/// Warnings are fatal here, as with <c>panic_on_warn=1</c>: a kernel <c>VM_WARN</c> marks a state the
/// kernel never expects, so in a simulator of that kernel it is a model bug, and a run that goes on
/// past it would report numbers no kernel produces. That also makes <c>_ONCE</c> need no state.
/// This file sits in the root <c>MmSim.Mm</c> namespace, below every mechanism that calls it; the
/// expensive O(pages) verifiers live above the allocator in <c>MmSim.Mm.DebugVm</c>.
/// </para>
/// </remarks>
public static class VmBug
{
    /// <summary>VM_BUG_ON(cond): the condition must never hold.</summary>
    /// <param name="condition">The bug condition, as in the kernel (true means broken).</param>
    /// <param name="check">The kernel check this mirrors and where, e.g. <c>"VM_BUG_ON(migratetype == -1) in __free_one_page"</c>.</param>
    /// <param name="expression">The C# condition, filled in by the compiler.</param>
    /// <exception cref="VmBugException">The condition holds.</exception>
    [Conditional("DEBUG_VM")]
    public static void VmBugOn(bool condition, string check, [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        if (condition)
        {
            Fail(check, expression, warning: false);
        }
    }

    /// <summary>VM_BUG_ON_PAGE(cond, page): as <see cref="VmBugOn"/>, and the report dumps the page (dump_page).</summary>
    /// <param name="condition">The bug condition.</param>
    /// <param name="pages">The memory map.</param>
    /// <param name="pfn">The page the check is about.</param>
    /// <param name="check">The kernel check this mirrors and where.</param>
    /// <param name="expression">The C# condition, filled in by the compiler.</param>
    /// <exception cref="VmBugException">The condition holds; the message names the PFN and the page's packed state.</exception>
    [Conditional("DEBUG_VM")]
    public static void VmBugOnPage(bool condition, PageFrame[] pages, int pfn, string check, [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        if (condition)
        {
            FailPage(pages, pfn, check, expression, warning: false);
        }
    }

    /// <summary>VM_WARN_ON(cond) and VM_WARN_ON_ONCE(cond): fatal under DEBUG_VM (see the remarks on <see cref="VmBug"/>).</summary>
    /// <param name="condition">The warning condition.</param>
    /// <param name="check">The kernel check this mirrors and where.</param>
    /// <param name="expression">The C# condition, filled in by the compiler.</param>
    /// <exception cref="VmBugException">The condition holds.</exception>
    [Conditional("DEBUG_VM")]
    public static void VmWarnOn(bool condition, string check, [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        if (condition)
        {
            Fail(check, expression, warning: true);
        }
    }

    /// <summary>VM_WARN_ON_PAGE(cond, page) and VM_WARN_ON_ONCE_PAGE: a warning that dumps the page.</summary>
    /// <param name="condition">The warning condition.</param>
    /// <param name="pages">The memory map.</param>
    /// <param name="pfn">The page the check is about.</param>
    /// <param name="check">The kernel check this mirrors and where.</param>
    /// <param name="expression">The C# condition, filled in by the compiler.</param>
    /// <exception cref="VmBugException">The condition holds.</exception>
    [Conditional("DEBUG_VM")]
    public static void VmWarnOnPage(bool condition, PageFrame[] pages, int pfn, string check, [CallerArgumentExpression(nameof(condition))] string expression = "")
    {
        if (condition)
        {
            FailPage(pages, pfn, check, expression, warning: true);
        }
    }

    /// <summary>VM_WARN_ONCE(cond, format, a, b): a warning with the kernel's message.</summary>
    /// <typeparam name="T1">Type of the first value (generic so that a passing check boxes nothing).</typeparam>
    /// <typeparam name="T2">Type of the second value.</typeparam>
    /// <param name="condition">The warning condition.</param>
    /// <param name="check">The kernel check this mirrors and where.</param>
    /// <param name="format">A composite format with {0} and {1}, e.g. <c>"page type is {0}, passed migratetype is {1}"</c>.</param>
    /// <param name="arg0">First value.</param>
    /// <param name="arg1">Second value.</param>
    /// <exception cref="VmBugException">The condition holds.</exception>
    [Conditional("DEBUG_VM")]
    public static void VmWarnOnce<T1, T2>(bool condition, string check, string format, T1 arg0, T2 arg1)
    {
        if (condition)
        {
            Fail(check, string.Format(CultureInfo.InvariantCulture, format, arg0, arg1), warning: true);
        }
    }

    /// <summary>Describes a page frame as dump_page does: PFN, packed flags word, decoded fields and links.</summary>
    /// <param name="pages">The memory map.</param>
    /// <param name="pfn">The PFN (may be out of range: then only the PFN is printed).</param>
    /// <returns>One line.</returns>
    public static string DumpPage(PageFrame[] pages, int pfn)
    {
        ArgumentNullException.ThrowIfNull(pages);
        if ((uint)pfn >= (uint)pages.Length)
        {
            return string.Create(CultureInfo.InvariantCulture, $"pfn 0x{pfn:x} (outside the memory map of {pages.Length} pages)");
        }

        PageFrame page = pages[pfn];
        var boolFlags = (PageFlags)(page.Flags & ~0x7FFu);
        string alloc = page.AllocMt == MigrateTypes.None ? "none" : MigrateTypes.Names[page.AllocMt % MigrateTypes.Count];
        return string.Create(
            CultureInfo.InvariantCulture,
            $"pfn 0x{pfn:x} flags 0x{page.Flags:x8} (order {page.Order}, alloc mt {alloc}, owner {page.OwnerKind} {page.Owner}, {boolFlags}) next {page.Next} prev {page.Prev}");
    }

    [DoesNotReturn]
    private static void Fail(string check, string detail, bool warning) =>
        throw new VmBugException(check, detail, -1, 0, warning);

    [DoesNotReturn]
    private static void FailPage(PageFrame[] pages, int pfn, string check, string expression, bool warning)
    {
        uint flags = (uint)pfn < (uint)pages.Length ? pages[pfn].Flags : 0;
        throw new VmBugException(check, $"{expression}; page: {DumpPage(pages, pfn)}", pfn, flags, warning);
    }
}

/// <summary>A debug-VM check failed (<see cref="VmBug"/>): the simulated kernel reached a state the real one treats as a bug.</summary>
/// <remarks>
/// Derives from <see cref="InvalidOperationException"/>: like the always-on checks of the allocator's
/// public API, it means "this operation is invalid in the current state". <see cref="Check"/> names
/// the kernel check (for instance <c>VM_BUG_ON_PAGE(bad_range(zone, page)) in __free_one_page</c>).
/// </remarks>
public sealed class VmBugException : InvalidOperationException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public VmBugException()
        : this("VM_BUG_ON", string.Empty, -1, 0, warning: false)
    {
    }

    /// <summary>Creates the exception for a check.</summary>
    /// <param name="message">The check.</param>
    public VmBugException(string message)
        : this(message, string.Empty, -1, 0, warning: false)
    {
    }

    /// <summary>Creates the exception for a check, with an inner exception.</summary>
    /// <param name="message">The check.</param>
    /// <param name="innerException">The cause.</param>
    public VmBugException(string message, Exception innerException)
        : base(message, innerException)
    {
        Check = message;
        Pfn = -1;
    }

    internal VmBugException(string check, string detail, int pfn, uint pageFlags, bool warning)
        : base(Format(check, detail, warning))
    {
        Check = check;
        Pfn = pfn;
        PageFlags = pageFlags;
        IsWarning = warning;
    }

    /// <summary>The kernel check that failed, with the function it sits in.</summary>
    public string Check { get; } = string.Empty;

    /// <summary>The page the check was about, or -1 for a check without a page.</summary>
    public int Pfn { get; }

    /// <summary>The page's packed <see cref="PageFrame.Flags"/> word when the check failed (0 without a page).</summary>
    public uint PageFlags { get; }

    /// <summary>True for a VM_WARN_* check (fatal under DEBUG_VM as with panic_on_warn), false for VM_BUG_ON*.</summary>
    public bool IsWarning { get; }

    private static string Format(string check, string detail, bool warning)
    {
        string kind = warning ? "WARNING" : "BUG";
        return detail.Length == 0 ? $"{kind}: {check}" : $"{kind}: {check}: {detail}";
    }
}
