using MmSim.Tests.Support;
using System.Text.Json;
using MmSim.Cli;
using MmSim.Cli.Commands;
using MmSim.Kernel.Designs;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.KernelDesigns;

/// <summary><c>mmsim designs</c>, <c>run --design</c>, <c>compare --designs</c> and their one-line errors.</summary>
[Collection("Console")]
public class DesignsCliTests
{
    // Small enough for a test, fragmented enough that the 6.12 and 6.15+ fallbacks part ways.
    private const string Scenario = """
        version: 1
        name: small
        duration: 1500ms
        sampling_interval: 500ms
        kernel:
          release: 6.18
        machine:
          zones:
            - name: Normal
              size: 512MiB
        workloads:
          - type: frag
            at: 10ms
          - type: slab
            rate: 4000/s
            orders: {0: 70, 1: 20, 3: 10}
            lifetime: exp(5s)
            start: 100ms
          - type: netbuf
            rate: 20000/s
            lifetime: exp(5ms)
            start: 100ms
          - type: anon
            size: 128MiB
            thp: always
            fill_time: 500ms
            start: 500ms
        """;

    private static (int Code, string Out, string Err) Mmsim(params string[] args) => MmsimCli.Run(args);

    private static string WriteScenario(string dir, string yaml, string name = "small.yaml")
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string Kernel(string resolvedYaml) =>
        resolvedYaml[resolvedYaml.IndexOf("kernel:\n", StringComparison.Ordinal)..resolvedYaml.IndexOf("  pcp:", StringComparison.Ordinal)];

    private static long ExtfragEvents(string runDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json"))).RootElement.GetProperty("extfrag_events").GetInt64();

    [Fact]
    public void Designs_lists_every_design_with_what_it_stands_for_as_plain_text()
    {
        string plain = DesignsCommand.Plain();
        string[] lines = plain.TrimEnd('\n').Split('\n');
        Assert.StartsWith("design ", lines[0], StringComparison.Ordinal);
        foreach (Design d in Designs.All)
        {
            string row = Assert.Single(lines, l => l.StartsWith(d.Name + " ", StringComparison.Ordinal));
            Assert.Contains(d.StandsFor, row, StringComparison.Ordinal);
            Assert.Contains(d.Change, row, StringComparison.Ordinal);
            Assert.Contains("release=" + d.Switches.Release, row, StringComparison.Ordinal);
        }

        Assert.StartsWith("default: linux-6.18.", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain('│', plain); // no box drawing when the output is not a terminal

        // Through the command line: test output is redirected, so the same plain text.
        (int code, string output, string err) = Mmsim("designs");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, err);
        Assert.Equal(plain, output);
    }

    [Fact]
    public void Run_design_selects_the_switches_and_changes_the_result()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-designs").FullName;
        string scenario = WriteScenario(dir, Scenario);
        (int code612, _, string err612) = Mmsim("run", scenario, "--design", "linux-6.12", "--out", Path.Combine(dir, "612"));
        (int code618, _, _) = Mmsim("run", scenario, "--out", Path.Combine(dir, "618"));
        Assert.Equal((0, 0), (code612, code618));
        Assert.Equal(string.Empty, err612); // release: 6.18 only repeats the scenario's design: no note

        Assert.Equal(
            "kernel:\n  design: linux-6.12\n  release: \"6.12\"\n  fallback: v6.12\n  compaction: mainline\n  reclaim: mainline\n"
            + "  fuse_writeback: temp-pages\n  fuse_reclaim_flag: \"off\"\n  migrate_writeback: wait\n  reclaim_writeback: flag\n  sync_writeback: wait\n  writeback_wait_timeout: 10s\n  writeback_cancel_after: 10s\n  fuse_temp_pool: 16MiB\n",
            Kernel(File.ReadAllText(Path.Combine(dir, "612", "config.resolved.yaml"))));
        Assert.Equal(
            "kernel:\n  design: linux-6.18\n  release: \"6.18\"\n  fallback: v6.15\n  compaction: mainline\n  reclaim: mainline\n"
            + "  fuse_writeback: in-place\n  fuse_reclaim_flag: \"on\"\n  migrate_writeback: wait\n  reclaim_writeback: flag\n  sync_writeback: wait\n  writeback_wait_timeout: 10s\n  writeback_cancel_after: 10s\n  fuse_temp_pool: 16MiB\n",
            Kernel(File.ReadAllText(Path.Combine(dir, "618", "config.resolved.yaml"))));

        // The fallback algorithm changes what the allocator does, not only the label.
        Assert.NotEqual(ExtfragEvents(Path.Combine(dir, "612")), ExtfragEvents(Path.Combine(dir, "618")));
        Assert.NotEqual(File.ReadAllText(Path.Combine(dir, "612", "proc", "pagetypeinfo")), File.ReadAllText(Path.Combine(dir, "618", "proc", "pagetypeinfo")));

        // kernel.design in the file gives the same run as --design, and the resolved config reruns it exactly.
        string inFile = WriteScenario(dir, Scenario.Replace("  release: 6.18", "  design: linux-6.12", StringComparison.Ordinal), "in-file.yaml");
        Assert.Equal(0, Mmsim("run", inFile, "--out", Path.Combine(dir, "file")).Code);
        Assert.Equal(0, Mmsim("run", Path.Combine(dir, "612", "config.resolved.yaml"), "--out", Path.Combine(dir, "rerun")).Code);
        foreach (string other in new[] { "file", "rerun" })
        {
            foreach (string f in new[] { "summary.json", "proc/pagetypeinfo", "proc/vmstat", "proc/buddyinfo" })
            {
                Assert.Equal(File.ReadAllText(Path.Combine(dir, "612", f)), File.ReadAllText(Path.Combine(dir, other, f)));
            }
        }

        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_switch_the_scenario_changes_wins_over_run_design_and_a_note_says_so()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-designs").FullName;
        string scenario = WriteScenario(dir, "version: 1\nduration: 10ms\nkernel:\n  release: 6.16\nmachine:\n  zones:\n    - name: Normal\n      size: 64MiB\n");
        (int code, _, string err) = Mmsim("run", scenario, "--design", "linux-6.12", "--out", Path.Combine(dir, "out"));
        Assert.Equal(0, code);
        Assert.Equal(
            "kernel:\n  design: linux-6.12\n  release: \"6.16\"\n  fallback: v6.15\n  compaction: mainline\n  reclaim: mainline\n"
            + "  fuse_writeback: in-place\n  fuse_reclaim_flag: \"on\"\n  migrate_writeback: wait\n  reclaim_writeback: flag\n  sync_writeback: wait\n  writeback_wait_timeout: 10s\n  writeback_cancel_after: 10s\n  fuse_temp_pool: 16MiB\n",
            Kernel(File.ReadAllText(Path.Combine(dir, "out", "config.resolved.yaml"))));
        Assert.Equal(
            "mmsim: note: the scenario's kernel switches override linux-6.12: release 6.16 (design: 6.12), fallback v6.15 (design: v6.12), fuse_writeback in-place (design: temp-pages), fuse_reclaim_flag on (design: off)\n",
            err.ReplaceLineEndings("\n"));
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("run", "--design", "linux-6.19", "mmsim: unknown design 'linux-6.19'; did you mean 'linux-6.18'?")]
    [InlineData("run", "--design", "mainline", "mmsim: unknown design 'mainline'; known designs: linux-6.12, linux-6.15, linux-6.16, linux-6.18, no-reclaim-flag, skip-sync-migration, skip-sync-compaction, wait-timeout, cancel-writeback, temp-pages-pool, ask-fs")]
    [InlineData("compare", "--designs", "linux-6.12,linux-618", "mmsim: unknown design 'linux-618'; did you mean 'linux-6.18'?")]
    [InlineData("compare", "--designs", "linux-6.12,,linux-6.18", "mmsim: --designs has an empty name in 'linux-6.12,,linux-6.18'; give names separated by commas (see 'mmsim designs')")]
    [InlineData("compare", "--designs", "linux-6.12,linux-6.12", "mmsim: --designs names 'linux-6.12' twice")]
    public void An_unknown_design_on_the_command_line_is_one_line_and_exit_code_2(string command, string option, string value, string line)
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-designs").FullName;
        string scenario = WriteScenario(dir, Scenario);
        (int code, _, string err) = Mmsim(command, scenario, option, value, "--out", Path.Combine(dir, "out"));
        Assert.Equal(Program.ExitBadInput, code);
        Assert.Equal(line, err.TrimEnd());
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void An_unknown_design_in_the_scenario_is_one_positioned_line_and_exit_code_2()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-designs").FullName;
        string scenario = WriteScenario(dir, Scenario.Replace("  release: 6.18", "  design: linux-6.19", StringComparison.Ordinal));
        (int code, _, string err) = Mmsim("run", scenario, "--out", Path.Combine(dir, "out"));
        Assert.Equal(Program.ExitBadInput, code);
        Assert.Equal($"{scenario}:6:11: kernel.design: unknown design 'linux-6.19'; did you mean 'linux-6.18'?", err.TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Compare_runs_the_chosen_designs_in_the_order_given()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-designs").FullName;
        string scenario = WriteScenario(dir, Scenario);
        string outDir = Path.Combine(dir, "out");
        (int code, _, string err) = Mmsim("compare", scenario, "--designs", "linux-6.18,linux-6.12", "--seeds", "1", "--out", outDir);
        Assert.Equal(0, code);
        Assert.All(err.TrimEnd('\n').Split('\n'), l => Assert.Matches(@"^mmsim: (\[\d+/\d+\] |\d+ runs$)", l)); // progress only, no notes
        string[] csv = File.ReadAllText(Path.Combine(outDir, "compare.csv")).TrimEnd('\n').Split('\n');
        Assert.Equal(["linux-6.18", "linux-6.12"], csv.Skip(1).Select(l => l.Split(',')[0]));
        // The scenario writes release: 6.18, yet each column runs its own design's release.
        Assert.Contains("  release: \"6.12\"\n", File.ReadAllText(Path.Combine(outDir, "linux-6.12", "seed1", "config.resolved.yaml")), StringComparison.Ordinal);
        Assert.NotEqual(csv[1][csv[1].IndexOf(',', StringComparison.Ordinal)..], csv[2][csv[2].IndexOf(',', StringComparison.Ordinal)..]);

        // Only the named designs ran.
        (int one, _, _) = Mmsim("compare", scenario, "--designs", "linux-6.12", "--seeds", "1", "--out", Path.Combine(dir, "one"));
        Assert.Equal(0, one);
        Assert.Equal(["linux-6.12"], Directory.GetDirectories(Path.Combine(dir, "one")).Select(Path.GetFileName).Where(d => Designs.Names.Contains(d)));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Docs_designs_lists_every_design_with_what_it_stands_for()
    {
        string doc = File.ReadAllText(Path.Combine(TestFiles.RepoRoot, "docs", "designs.md"));
        foreach (Design d in Designs.All)
        {
            Assert.Contains($"| `{d.Name}` | {d.StandsFor} |", doc, StringComparison.Ordinal);
        }

        foreach (KernelSwitch s in KernelSwitches.All)
        {
            Assert.Contains($"| `{s.Name}` |", doc, StringComparison.Ordinal);
        }
    }
}
