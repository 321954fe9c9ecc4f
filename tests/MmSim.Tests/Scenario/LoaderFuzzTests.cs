using CsCheck;
using MmSim.Scenario;

namespace MmSim.Tests.Scenario;

/// <summary>Whatever the text, loading returns problems and never throws: users must not see a stack trace.</summary>
public class LoaderFuzzTests
{
    private static readonly string Seed = File.ReadAllText(Path.Combine(TestFiles.RepoRoot, "scenarios", "allocator-churn.yaml"));

    // Characters that matter to YAML and to the unit parsers.
    private static readonly Gen<char> Interesting = Gen.OneOf(':', '-', '[', ']', '{', '}', ',', '"', '\'', '#', '|', '>', '&', '*', '!', '%', '\t', '\n', ' ', '0', '9', 'x', 'G', 'i', 'B', '?', '\\');

    [Fact]
    public void Random_edits_of_a_real_scenario_never_throw() =>
        Gen.Select(Gen.Int[0, Seed.Length - 1], Interesting, Gen.Int[0, 2]).Array[1, 6].Sample(
            edits =>
            {
                var text = new System.Text.StringBuilder(Seed);
                foreach ((int at, char c, int op) in edits)
                {
                    int i = Math.Min(at, text.Length - 1);
                    _ = op switch
                    {
                        0 => text.Remove(i, 1),
                        1 => text.Insert(i, c),
                        _ => text.Replace(text[i], c, i, 1),
                    };
                }

                LoadResult r = ScenarioLoader.LoadFromString(text.ToString(), "fuzz.yaml");
                return r.Config is not null || (r.Errors.Count > 0 && r.Errors.All(e => e.ToString().StartsWith("fuzz.yaml", StringComparison.Ordinal) && !e.ToString().Contains('\n', StringComparison.Ordinal)));
            },
            iter: 3000);

    // Found by the fuzzer: YamlDotNet throws a bare ArgumentException for a tag that is not a URI.
    [Fact]
    public void A_tag_that_is_not_a_URI_is_a_syntax_error() =>
        Assert.Equal(
            ["fuzz.yaml:1:1: invalid YAML tag ('!…' must be a valid URI); scenario files use no tags"],
            ScenarioLoader.LoadFromString("!!x]&* 1\n", "fuzz.yaml").Errors.Select(e => e.ToString()));

    [Fact]
    public void Random_text_never_throws() =>
        Gen.String[Interesting, 0, 200].Sample(
            text =>
            {
                LoadResult r = ScenarioLoader.LoadFromString(text, "fuzz.yaml");
                return r.Config is null && r.Errors.Count > 0;
            },
            iter: 3000);
}
