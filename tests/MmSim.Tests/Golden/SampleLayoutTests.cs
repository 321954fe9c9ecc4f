using System.Text.RegularExpressions;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmstat;

namespace MmSim.Tests.Golden;

/// <summary>
/// Renders a machine shaped like the real 6.18 sample (DMA from PFN 1 with the legacy hole below 1 MiB,
/// DMA32 up to 4 GiB with the PCI hole above 3 GiB, Normal from 4 GiB, empty Movable) and checks every line has the sample line's
/// structure: the same labels at the same columns, fixed-width numbers ending in the same column,
/// free-width numbers anywhere (the values differ: different machine).
/// </summary>
public partial class SampleLayoutTests
{
    // Sections of the sample the simulated machine does not have: its kernel lacked CONFIG_CMA (no
    // CMA row or column, which mmsim prints) and it had two CPUs (mmsim has one).
    private const int CmaColumn = 4;
    private const int BlockTableHeadChars = 23;
    private const int BlockTableRowHeadChars = 22;
    private const int BlockColumnChars = 13;

    private static readonly Lazy<PgData> Node = new(() => MmInit.Boot(
        new MachineSpec(
            [
                new ZoneSpec(ZoneType.Dma, 4095, StartPfn: 1, ReservedPages: 158),
                new ZoneSpec(ZoneType.Dma32, 1048576 - 4096, StartPfn: 4096),
                new ZoneSpec(ZoneType.Normal, 262144, StartPfn: 1048576),
            ],
            [],
            [new PfnRange(0x9f, 0x100), new PfnRange(0xC0000, 0x100000)]),
        new PageAllocOptions()).Node);

    [Fact]
    public void Buddyinfo_ColumnsMatchSample()
    {
        AssertFixedWidthLayout(GoldenFiles.SampleLines("buddyinfo"), ProcBuddyinfo.Render(Node.Value).Split('\n'));
    }

    [Fact]
    public void Pagetypeinfo_ColumnsMatchSampleApartFromCma()
    {
        string[] ours = ProcPagetypeinfo.Render(Node.Value, pageOwner: false).Split('\n');
        var withoutCma = new List<string>();
        foreach (string line in ours)
        {
            if (line.Contains(", type          CMA ", StringComparison.Ordinal))
            {
                continue;
            }

            withoutCma.Add(RemoveCmaColumn(line));
        }

        AssertFixedWidthLayout(GoldenFiles.SampleLines("pagetypeinfo"), [.. withoutCma]);
    }

    [Fact]
    public void Zoneinfo_LinesMatchSampleApartFromSecondCpu()
    {
        string[] sample = DropOtherCpus(GoldenFiles.SampleLines("zoneinfo"));
        string[] ours = ProcZoneinfo.Render(Node.Value).Split('\n');
        AssertFreeWidthLayout(sample, ours);
    }

    [Fact]
    public void Vmstat_LinesMatchSample()
    {
        AssertFreeWidthLayout(GoldenFiles.SampleLines("vmstat"), ProcVmstat.Render(Node.Value).Split('\n'));
    }

    // Fixed-width tables: same length, identical non-digit characters at every column (labels,
    // separators, padding before a number's field) and every number ending in the same column.
    private static void AssertFixedWidthLayout(string[] sample, string[] ours)
    {
        Assert.Equal(sample.Length, ours.Length);
        for (int i = 0; i < sample.Length; i++)
        {
            Assert.True(FixedShape(sample[i]) == FixedShape(ours[i]),
                $"line {i + 1}\nsample: [{sample[i]}]\nours:   [{ours[i]}]");
        }
    }

    // Numbers become '#' and the spaces that pad them to their field become '#' too, so "     0 "
    // and "   751 " have the same shape.
    private static string FixedShape(string line) => PaddedNumber().Replace(line, m => new string('#', m.Length));

    // Free-width lines ("%s %lu", "%-12s %lu"): identical once each number is replaced by "N".
    private static void AssertFreeWidthLayout(string[] sample, string[] ours)
    {
        Assert.Equal(sample.Length, ours.Length);
        for (int i = 0; i < sample.Length; i++)
        {
            Assert.True(Number().Replace(sample[i], "N") == Number().Replace(ours[i], "N"),
                $"line {i + 1}\nsample: [{sample[i]}]\nours:   [{ours[i]}]");
        }
    }

    private static string RemoveCmaColumn(string line)
    {
        int head = line.StartsWith("Number of", StringComparison.Ordinal) ? BlockTableHeadChars
            : line.StartsWith("Node 0, zone", StringComparison.Ordinal) && !line.Contains(", type", StringComparison.Ordinal) ? BlockTableRowHeadChars
            : -1;
        if (head < 0)
        {
            return line;
        }

        return line.Remove(head + (CmaColumn * BlockColumnChars), BlockColumnChars);
    }

    private static string[] DropOtherCpus(string[] lines)
    {
        var kept = new List<string>();
        bool skipping = false;
        foreach (string line in lines)
        {
            if (line.StartsWith("    cpu: ", StringComparison.Ordinal))
            {
                skipping = line != "    cpu: 0";
            }

            if (!skipping)
            {
                kept.Add(line);
            }

            if (line.StartsWith("  vm stats threshold", StringComparison.Ordinal))
            {
                skipping = false;
            }
        }

        return [.. kept];
    }

    [GeneratedRegex(@" *\d+")]
    private static partial Regex PaddedNumber();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
