using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Trace;

namespace MmSim.Scenario;

/// <summary>
/// Parser for GFP expressions written with the kernel's names, such as
/// <c>GFP_KERNEL|__GFP_RECLAIMABLE</c> (scenario files, op scripts).
/// </summary>
/// <remarks>
/// Names and values come from <see cref="GfpFlagNames.All"/> (include/trace/events/mmflags.h with
/// the bit values of include/linux/gfp_types.h in <see cref="GfpFlags"/>): mmsim keeps one table.
/// The debug-only bits above <c>__GFP_ZEROTAGS</c> are not modelled and therefore not accepted.
/// </remarks>
public static class GfpNames
{
    // Longest expression accepted; longer text is certainly not a hand-written GFP mask.
    private const int ExpressionLengthMax = 1024;

    /// <summary>Parses a GFP expression: kernel names joined by <c>|</c>, spaces allowed around it.</summary>
    /// <param name="expr">The expression.</param>
    /// <param name="mask">The mask, 0 on failure.</param>
    /// <param name="error">Why it was refused, empty on success.</param>
    /// <returns>True when every name is known.</returns>
    public static bool TryParse(string expr, out uint mask, out string error)
    {
        ArgumentNullException.ThrowIfNull(expr);
        mask = 0;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(expr))
        {
            return Units.Fail("empty GFP expression; write kernel names joined by '|', e.g. GFP_KERNEL|__GFP_RECLAIMABLE", out error);
        }

        if (expr.Length > ExpressionLengthMax)
        {
            return Units.Fail($"GFP expression longer than {ExpressionLengthMax} characters", out error);
        }

        foreach (string part in expr.Split('|', StringSplitOptions.TrimEntries))
        {
            if (!TryLookUp(part, out uint bits, out error))
            {
                mask = 0;
                return false;
            }

            mask |= bits;
        }

        return true;
    }

    private static bool TryLookUp(string name, out uint bits, out string error)
    {
        error = string.Empty;
        foreach ((GfpFlags knownBits, string known) in GfpFlagNames.All)
        {
            if (known == name)
            {
                bits = (uint)knownBits;
                return true;
            }
        }

        bits = 0;
        if (name.Length == 0)
        {
            return Units.Fail("empty name in GFP expression (two '|' in a row, or one at an end)", out error);
        }

        string? closest = Suggest.Closest(name, GfpFlagNames.All.Select(n => n.Name));
        string hint = closest is null ? "; names are the kernel's, e.g. GFP_KERNEL or __GFP_MOVABLE" : $"; did you mean '{closest}'?";
        return Units.Fail($"unknown GFP flag '{name}'{hint}", out error);
    }
}
