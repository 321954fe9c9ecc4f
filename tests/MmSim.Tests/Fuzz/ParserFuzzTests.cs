using CsCheck;
using MmSim.Runs.Sweep;
using MmSim.Scenario;
using MmSim.Scenario.Import;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Fuzz;

/// <summary>
/// Every text parser, fed edited real files and random text for a bounded time: the loader returns problems (each
/// with its file, a line when it has one, one line of text) or a config, and never throws. CsCheck prints the seed of
/// a failure; rerun it with <c>CsCheck_Seed=SEED dotnet test --filter ...</c>.
/// </summary>
public class ParserFuzzTests
{
    /// <summary>Seconds per parser: enough for thousands of cases, short enough to keep the suite fast.</summary>
    private const int Seconds = 3;

    private static readonly string Root = TestFiles.RepoRoot;

    // Every shipped scenario (not the sweeps), with its real path so op scripts beside it are read too.
    private static readonly (string Path, string Text)[] Scenarios =
    [
        .. Directory.GetFiles(Path.Combine(Root, "scenarios"), "*.yaml", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}sweeps{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllText(p))),
    ];

    private static readonly (string Path, string Text)[] Sweeps =
    [
        .. Directory.GetFiles(Path.Combine(Root, "scenarios", "sweeps"), "*.yaml").Order(StringComparer.Ordinal).Select(p => (p, File.ReadAllText(p))),
    ];

    [Fact]
    public void Edited_shipped_scenarios_load_or_give_located_one_line_errors() =>
        Gen.Select(Gen.Int[0, Scenarios.Length - 1], TextMutation.Edit.Array[1, 5]).Sample(
            t =>
            {
                (string path, string original) = Scenarios[t.Item1];
                string text = TextMutation.Apply(original, t.Item2);
                LoadResult r = ScenarioLoader.LoadFromString(text, path);
                AssertLocated(r.Config is not null, r.Errors, path);
            },
            time: Seconds,
            threads: 1,
            print: t => $"{Path.GetFileName(Scenarios[t.Item1].Path)} edits [{string.Join(", ", t.Item2)}]");

    [Fact]
    public void Random_op_script_lines_parse_or_give_located_one_line_errors() =>
        OpLine.Array[0, 30].Sample(
            lines =>
            {
                var errors = new List<ScenarioError>();
                OpScript? script = OpScript.Parse(new StringReader(string.Join('\n', lines)), "fuzz.ops", errors);
                AssertLocated(script is not null, errors, "fuzz.ops");
                if (script is not null)
                {
                    // What the parser accepted must be replayable: every free names an ID an earlier line allocated.
                    var seen = new HashSet<int>();
                    foreach (OpScriptEntry e in script.Entries)
                    {
                        if (e.Kind == OpKind.Alloc)
                        {
                            seen.Add(e.IdIndex);
                        }
                        else
                        {
                            Assert.Contains(e.IdIndex, seen);
                        }
                    }
                }
            },
            time: Seconds,
            threads: 1,
            print: lines => string.Join("\\n", lines));

    [Fact]
    public void Edited_shipped_sweeps_load_or_give_located_one_line_errors() =>
        Gen.Select(Gen.Int[0, Sweeps.Length - 1], TextMutation.Edit.Array[1, 4]).Sample(
            t =>
            {
                (string path, string original) = Sweeps[t.Item1];
                string text = TextMutation.Apply(original, t.Item2);
                SweepLoadResult r = SweepLoader.LoadFromString(text, path);
                AssertLocated(r.Sweep is not null, r.Errors, path);
                if (r.Sweep is { } sweep)
                {
                    // Each point patched into the scenario: the patches are parsed too.
                    int[] firstOfEachPoint = [.. Enumerable.Range(0, Math.Min(sweep.Points.Count, 8)).Select(p => p * sweep.Designs.Count * sweep.Seeds)];
                    IReadOnlyList<ScenarioError> problems = SweepRunner.LoadConfigs(sweep, firstOfEachPoint, out _);
                    AssertLocated(problems.Count == 0, problems, path);
                }
            },
            time: Seconds,
            threads: 1,
            print: t => $"{Path.GetFileName(Sweeps[t.Item1].Path)} edits [{string.Join(", ", t.Item2)}]");

    private static readonly string Zoneinfo = File.ReadAllText(Path.Combine(Root, "tests", "MmSim.Tests", "Golden", "samples-6.18", "zoneinfo"));

    // mmsim machine import: an edited real /proc/zoneinfo is imported (ImportException: the one-line bad-input error)
    // and the scenario written from it loads or gives located errors; nothing else is thrown.
    [Fact]
    public void Edited_real_zoneinfo_imports_or_gives_one_line() =>
        TextMutation.Edit.Array[1, 6].Sample(
            edits =>
            {
                string text = TextMutation.Apply(Zoneinfo, edits);
                MachineImport.Result imported;
                try
                {
                    imported = MachineImport.Import(ZoneinfoFile.Parse(text, "zoneinfo"), "zoneinfo", thp: null);
                }
                catch (ImportException e)
                {
                    Assert.DoesNotContain('\n', e.Message);
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    return;
                }

                LoadResult r = ScenarioLoader.LoadFromString(imported.Yaml, "imported.yaml");
                AssertLocated(r.Config is not null, r.Errors, "imported.yaml");
            },
            time: Seconds,
            threads: 1,
            print: edits => $"zoneinfo edits [{string.Join(", ", edits)}]");

    // alloc/free lines with right and wrong IDs, orders, GFP expressions, comments and junk.
    private static readonly Gen<string> OpLine = Gen.Select(
        Gen.OneOf("alloc", "free", "alocc", "", "#", "ALLOC", "free\t"),
        Gen.OneOf("a", "b", "c", "a#", "", "é", "0"),
        Gen.OneOf("0", "9", "10", "11", "-1", "99999999999", "x", "", "+1", "٣"),
        Gen.OneOf("GFP_KERNEL", "GFP_NOFS | __GFP_NOWARN", "GFP_KERNAL", "|", "GFP_KERNEL||", "0x10", "", "GFP_TRANSHUGE_LIGHT", "__GFP_MOVABLE|GFP_ATOMIC"),
        Gen.Int[0, 3]).Select((op, id, order, gfp, shape) => shape switch
        {
            0 => $"{op} {id} {order} {gfp}",
            1 => $"{op} {id}",
            2 => $"  {op} {id} {order} # {gfp}",
            _ => $"{op}",
        });

    // Valid: no errors. Invalid: at least one, each naming the file, never spanning lines.
    private static void AssertLocated(bool loaded, IReadOnlyList<ScenarioError> errors, string file)
    {
        Assert.True(loaded ^ errors.Count > 0, $"loaded {loaded} with {errors.Count} errors: {string.Join(" | ", errors)}");
        foreach (ScenarioError e in errors)
        {
            string line = e.ToString();
            Assert.False(string.IsNullOrWhiteSpace(e.Message), line);
            Assert.False(string.IsNullOrEmpty(e.File), line);
            Assert.DoesNotContain('\n', line);
            Assert.True(e.Line >= 0 && e.Column >= 0, line);
            Assert.True(e.File == file || File.Exists(e.File) || e.Line == 0, $"an error in another file that is not a file: {line}");
        }
    }
}
