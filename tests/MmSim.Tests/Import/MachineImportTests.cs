using MmSim.Mm.Vmstat;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Scenario.Import;
using MmSim.Tests.Support;

namespace MmSim.Tests.Import;

/// <summary>
/// <c>mmsim machine import</c>: the shipped real 6.18 zoneinfo, imported and booted, gives back its managed pages,
/// watermarks and lowmem protection exactly; inputs it cannot use are one line with file and line.
/// </summary>
public class MachineImportTests
{
    /// <summary>The real Linux 6.18 /proc/zoneinfo shipped with the golden tests.</summary>
    internal static string SamplePath => Path.Combine(Scenario.TestFiles.RepoRoot, "tests", "MmSim.Tests", "Golden", "samples-6.18", "zoneinfo");

    private static string SampleText => File.ReadAllText(SamplePath);

    [Fact]
    public void The_real_6_18_sample_boots_with_its_managed_pages_watermarks_and_protection()
    {
        IReadOnlyList<ZoneinfoZone> real = ZoneinfoFile.Parse(SampleText, "zoneinfo");
        MachineImport.Result imported = MachineImport.Import(real, "zoneinfo", thp: null);
        Assert.Equal(67584, imported.MinFreeKbytes); // set_recommended_min_free_kbytes for 3 zones: the sample ran with THP

        LoadResult loaded = ScenarioLoader.LoadFromString(imported.Yaml, "imported.yaml");
        Assert.True(loaded.Errors.Count == 0, string.Join("\n", loaded.Errors));
        var runner = new ScenarioRunner(loaded.Config!, new RunOptions());
        runner.Run();
        IReadOnlyList<ZoneinfoZone> booted = ZoneinfoFile.Parse(ProcZoneinfo.Render(runner.Allocator!.Node), "booted");

        foreach (ZoneinfoZone r in real.Where(z => z.Present > 0))
        {
            ZoneinfoZone b = booted.Single(z => z.Name == r.Name);
            Assert.Equal((r.StartPfn, r.Spanned, r.Present), (b.StartPfn, b.Spanned, b.Present));
            Assert.Equal((r.Managed, r.Min, r.Low, r.High), (b.Managed, b.Min, b.Low, b.High));
            Assert.Equal(r.Protection, b.Protection);
        }
    }

    [Fact]
    public void The_imported_DMA_zone_boots_with_the_samples_free_lists_and_pageblock_types()
    {
        // DMA at PFN 1 with the legacy hole below 1 MiB and its 158 low pages reserved: boot frees 0x100-0xfff, the
        // order-8 block lands in the block at PFN 0, which memmap_init left UNMOVABLE. Nothing allocates from DMA after
        // boot, so the real machine's DMA rows are exactly these.
        MachineImport.Result imported = MachineImport.Import(ZoneinfoFile.Parse(SampleText, "zoneinfo"), "zoneinfo", thp: null);
        Assert.Contains("  holes:\n    - { start_pfn: 0x9f, end_pfn: 0x100 }", imported.Yaml, StringComparison.Ordinal);
        Assert.Contains("    - { start_pfn: 0xc0000, end_pfn: 0x100000 }", imported.Yaml, StringComparison.Ordinal);
        var runner = new ScenarioRunner(ScenarioLoader.LoadFromString(imported.Yaml, "imported.yaml").Config!, new RunOptions());
        runner.Run();
        string[] ours = ProcPagetypeinfo.Render(runner.Allocator!.Node).Split('\n');
        string samplePagetypeinfo = Path.Combine(Path.GetDirectoryName(SamplePath)!, "pagetypeinfo");
        string[] dmaRows = [.. File.ReadAllLines(samplePagetypeinfo).Where(l => l.StartsWith("Node    0, zone      DMA, type", StringComparison.Ordinal))];
        Assert.Equal(5, dmaRows.Length);
        foreach (string row in dmaRows)
        {
            Assert.Contains(row, ours);
        }

        Span<long> blocks = stackalloc long[Mm.MigrateTypes.Count];
        ProcPagetypeinfo.BlockCounts(runner.Allocator.Node, runner.Allocator.Node.Zones[(int)Mm.ZoneType.Dma], blocks);
        Assert.Equal((1L, 7L), (blocks[(int)Mm.MigrateType.Unmovable], blocks[(int)Mm.MigrateType.Movable]));
    }

    [Fact]
    public void A_changed_watermark_scale_factor_and_lowmem_reserve_ratio_are_inferred()
    {
        // Boot a machine with non-default sysctls, print its zoneinfo, import it: the sysctls come back.
        string yaml = """
            version: 1
            name: custom
            machine:
              zones:
                - { name: DMA32, size: 1GiB, reserved: 2MiB }
                - { name: Normal, size: 3GiB }
            sysctl:
              min_free_kbytes: 20000
              watermark_scale_factor: 150
              lowmem_reserve_ratio: [256, 64, 32, 0]
            """;
        var runner = new ScenarioRunner(ScenarioLoader.LoadFromString(yaml, "custom.yaml").Config!, new RunOptions());
        runner.Run();
        string zoneinfo = ProcZoneinfo.Render(runner.Allocator!.Node);
        MachineImport.Result imported = MachineImport.Import(ZoneinfoFile.Parse(zoneinfo, "custom"), "custom", thp: null);
        Assert.Equal(20000, imported.MinFreeKbytes);
        Assert.Contains("  watermark_scale_factor: 150\n", imported.Yaml, StringComparison.Ordinal);
        Assert.Contains("  lowmem_reserve_ratio: [256, 64, 32, 0]\n", imported.Yaml, StringComparison.Ordinal);
        Assert.Empty(imported.Notes);
    }

    [Fact]
    public void Zones_that_overlap_or_pass_their_limit_are_refused_in_one_line()
    {
        string text = SampleText.Replace("  start_pfn:           1048576", "  start_pfn:           4097", StringComparison.Ordinal);
        ImportException e = Assert.Throws<ImportException>(() => MachineImport.Import(ZoneinfoFile.Parse(text, "z"), "z", null));
        Assert.Matches(@"^z:\d+: zoneinfo: zone Normal: start_pfn 4097, spanned 5505024, present 5505024, managed 1015808 is not a layout mmsim can boot", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("", "x:1: zoneinfo: no \"Node N, zone NAME\" line: not a /proc/zoneinfo")]
    [InlineData("Node zero, zone DMA\n", "x:1: zoneinfo: expected \"Node N, zone NAME\", got \"Node zero, zone DMA\"")]
    [InlineData("Node 0, zone Normal\n        min 1\n        low 2\n        high 3\n        spanned 512\n        present 512\n", "x:1: zoneinfo: zone Normal of node 0 has no 'managed' line")]
    [InlineData("Node 0, zone Normal\n  protection: (0, a)\n", "x:2: zoneinfo: protection: 'a' is not a page count")]
    public void Bad_input_is_one_line_with_file_and_line(string text, string message)
    {
        ImportException e = Assert.Throws<ImportException>(() => ZoneinfoFile.Parse(text, "x"));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Watermarks_no_min_free_kbytes_can_give_are_refused()
    {
        string text = SampleText.Replace("        min      7285", "        min      9000", StringComparison.Ordinal);
        ImportException e = Assert.Throws<ImportException>(() => MachineImport.Import(ZoneinfoFile.Parse(text, "z"), "z", null));
        Assert.StartsWith("z:1: zoneinfo: min: no min_free_kbytes gives these min watermarks", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>The command: writes the scenario, refuses a folder, and parses the sysfs THP form.</summary>
[Collection("Console")]
public class MachineImportCliTests
{
    [Fact]
    public void Import_writes_a_scenario_that_validates()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-import").FullName;
        string zoneinfo = Path.Combine(dir, "box.zoneinfo");
        File.Copy(MachineImportTests.SamplePath, zoneinfo);
        string yaml = Path.Combine(dir, "box.yaml");
        (int code, _, string err) = MmsimCli.Run("machine", "import", zoneinfo, "--thp", "always [madvise] never", "--out", yaml);
        Assert.True(code == 0, err);
        Assert.Contains("# transparent_hugepage/enabled: madvise", File.ReadAllText(yaml), StringComparison.Ordinal);
        Assert.Equal(0, MmsimCli.Run("validate", yaml).Code);

        (int folder, _, string folderErr) = MmsimCli.Run("machine", "import", dir);
        Assert.Equal(2, folder);
        Assert.Equal($"mmsim: {dir}: is a folder, not a zoneinfo file", folderErr.TrimEnd());
        (int badThp, _, _) = MmsimCli.Run("machine", "import", zoneinfo, "--thp", "sometimes");
        Assert.Equal(2, badThp);
        Directory.Delete(dir, recursive: true);
    }
}
