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
                        else if (e.Kind == OpKind.Free)
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

    // The buddy-level verbs: what the parser accepts replays on a small machine without an exception, every free_pfn
    // finding the block an earlier alloc_pfn took (or counted as ignored when that alloc_pfn failed at run time).
    [Fact]
    public void Random_pfn_op_lines_parse_or_give_located_errors_and_replay() =>
        PfnLine.Array[0, 30].Sample(
            lines =>
            {
                var errors = new List<ScenarioError>();
                OpScript? script = OpScript.Parse(new StringReader(string.Join('\n', lines)), "fuzz.ops", errors);
                AssertLocated(script is not null, errors, "fuzz.ops");
                if (script is not null)
                {
                    Mm.PageAlloc.PageAllocator alloc = Mm.PageAlloc.MmInit.Boot(
                        new Mm.MachineSpec([new Mm.ZoneSpec(Mm.ZoneType.Normal, 4096)], []), new Mm.PageAlloc.PageAllocOptions());
                    var replay = new MmSim.Workloads.OpScriptReplay(alloc, script);
                    while (!replay.Done)
                    {
                        replay.Step();
                    }
                }
            },
            time: Seconds,
            threads: 1,
            print: lines => string.Join("\\n", lines));

    private static readonly string TraceSample = string.Join('\n', File.ReadLines(Path.Combine(Root, "scenarios", "examples", "trace", "trace.txt")).Take(400));

    // mmsim trace import: an edited real-format trace imports (ImportException, one line, for a file with no usable
    // event) at both levels, and the script it writes always loads: the importer never writes a line the parser refuses.
    [Fact]
    public void Edited_traces_import_to_scripts_that_load_or_give_one_line() =>
        Gen.Select(TextMutation.Edit.Array[1, 8], Gen.Bool).Sample(
            t =>
            {
                string text = TextMutation.Apply(TraceSample, t.Item1);
                TraceImport imported;
                try
                {
                    imported = TraceImport.Run(new StringReader(text), "fuzz.trace", t.Item2 ? TraceLevel.Buddy : TraceLevel.Page, (pfn, order) => pfn + (1L << order) <= 8192);
                }
                catch (ImportException e)
                {
                    Assert.DoesNotContain('\n', e.Message);
                    Assert.StartsWith("fuzz.trace:", e.Message, StringComparison.Ordinal);
                    return;
                }

                var errors = new List<ScenarioError>();
                OpScript? script = OpScript.Parse(new StringReader(imported.Script("fuzz.trace")), "fuzz.ops", errors);
                Assert.True(script is not null, string.Join(" | ", errors));
            },
            time: Seconds,
            threads: 1,
            print: t => $"trace edits [{string.Join(", ", t.Item1)}] buddy {t.Item2}");

    // alloc_pfn/free_pfn/claim_pfn with aligned and unaligned PFNs, good and bad orders and migratetypes.
    private static readonly Gen<string> PfnLine = Gen.Select(
        Gen.OneOf("alloc_pfn", "free_pfn", "claim_pfn", "alloc_pnf", "free_pfn\t"),
        Gen.OneOf("0x0", "0x8", "0x10", "0x11", "0x200", "512", "0xfff", "0x1000", "0x7fffffff", "0x80000000", "-1", "0x", "x"),
        Gen.OneOf("0", "1", "3", "9", "10", "11", "-1", ""),
        Gen.OneOf("Movable", "Unmovable", "Reclaimable", "HighAtomic", "CMA", "Isolate", "movable", ""),
        Gen.Int[0, 2]).Select((op, pfn, order, mt, shape) => shape switch
        {
            0 => $"{op} {pfn} {order}",
            1 => $"{op} {pfn} {order} {mt}",
            _ => $"{op} {pfn}",
        });

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
