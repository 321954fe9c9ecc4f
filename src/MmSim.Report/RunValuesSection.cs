using System.Globalization;
using System.Text;
using MmSim.Runs.Compare;

namespace MmSim.Report;

/// <summary>Every run's own numbers (one row per design and seed, the columns of <c>compare.csv</c>), folded under
/// the table: the table shows means and intervals, this shows what they were computed from.</summary>
internal static class RunValuesSection
{
    /// <summary>Appends the folded per-run table; nothing when the comparison has no rows.</summary>
    /// <param name="sb">The page.</param>
    /// <param name="rows">The runs, in the comparison's order.</param>
    public static void Append(StringBuilder sb, IReadOnlyList<CompareRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        sb.Append("<details>\n<summary>Per-run values (")
          .Append(rows.Count.ToString(CultureInfo.InvariantCulture))
          .Append(" runs)</summary>\n<div class=\"scroll\"><table class=\"runs\">\n<thead><tr>");
        foreach (string c in CompareColumns.Names)
        {
            // A break opportunity after each underscore lets the 16 long column names wrap instead of making the
            // table several screens wide.
            sb.Append(c is "design" or "offline_outcome" ? "<th>" : "<th class=\"num\">");
            sb.Append(HtmlText.Escape(c).Replace("_", "_<wbr>", StringComparison.Ordinal));
            sb.Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (CompareRow r in rows)
        {
            sb.Append("<tr>");
            Text(sb, r.Design);
            Num(sb, r.Seed.ToString(CultureInfo.InvariantCulture));
            Num(sb, r.HugePct);
            Num(sb, r.CompactSuccessPct);
            Num(sb, r.FreeOrder9Blocks);
            Num(sb, r.UnmovableBlocks);
            Num(sb, r.MixedBlocks);
            Num(sb, r.CmaSuccessPct);
            Num(sb, r.CmaLatencyMs);
            Text(sb, r.OfflineOutcome);
            Num(sb, r.OfflineLatencyMs);
            Num(sb, r.TempPagesPeakMib);
            Num(sb, r.WritebackMibps);
            Num(sb, r.HungTasks);
            Num(sb, r.Deadlocks);
            Num(sb, r.OomKills);
            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table></div>\n</details>\n");
    }

    private static void Text(StringBuilder sb, string value)
    {
        sb.Append("<td>");
        HtmlText.Append(sb, value);
        sb.Append("</td>");
    }

    private static void Num(StringBuilder sb, long value) => Num(sb, value.ToString(CultureInfo.InvariantCulture));

    // Two decimals at most, invariant culture: the same digits on every machine, and a null is "n/a" as in the table.
    private static void Num(StringBuilder sb, double? value) =>
        Num(sb, value is double v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "n/a");

    private static void Num(StringBuilder sb, string text)
    {
        sb.Append(text == "n/a" ? "<td class=\"num na\">" : "<td class=\"num\">");
        HtmlText.Append(sb, text);
        sb.Append("</td>");
    }
}
