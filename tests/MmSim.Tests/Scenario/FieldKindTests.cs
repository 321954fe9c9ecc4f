using MmSim.Scenario;

namespace MmSim.Tests.Scenario;

/// <summary>
/// Field kinds that no registered workload uses yet (rates, distributions …) still go through the
/// loader and the writer correctly: later workload types only declare them.
/// </summary>
public class FieldKindTests
{
    private sealed record Sample(object?[] Values);

    private static readonly FieldDecl[] Fields =
    [
        Decl("size", FieldKind.Size, 0),
        Decl("duration", FieldKind.Duration, 1),
        Decl("rate", FieldKind.Rate, 2),
        Decl("percent", FieldKind.Percent, 3),
        Decl("delay", FieldKind.Distribution, 4),
        Decl("flag", FieldKind.Bool, 5),
        Decl("text", FieldKind.String, 6),
        Decl("pfn", FieldKind.Pfn, 7),
        Decl("limit", FieldKind.IntOrAuto, 8),
        Decl("list", FieldKind.IntList, 9),
    ];

    private static readonly SectionDecl Section = new("sample", "test", Fields, (v, _) => new Sample([.. Fields.Select(f => v.Raw(f.Name))]));

    private static FieldDecl Decl(string name, FieldKind kind, int index) => new()
    {
        Name = name, Kind = kind, Doc = name, Required = kind != FieldKind.IntOrAuto,
        Get = FieldDecl.Of<Sample>(s => s.Values[index]),
    };

    private static (object? Bound, List<ScenarioError> Errors) Read(string yaml)
    {
        var errors = new List<ScenarioError>();
        var root = (YMapping)YamlTree.Load(yaml, "k.yaml", errors)!;
        var ctx = new LoadContext("k.yaml", string.Empty, Path.GetTempPath());
        object? bound = SchemaReader.ReadSection(root, Section, ctx);
        errors.AddRange(ctx.Errors);
        return (bound, errors);
    }

    [Fact]
    public void Every_scalar_kind_reads_and_prints_back_to_the_same_value()
    {
        const string Yaml = "size: 1024 pages\nduration: 1.5s\nrate: 3/10ms\npercent: 12.5%\ndelay: uniform(1ms, 5ms)\nflag: true\ntext: \"a: b\"\npfn: 4096\nlimit: auto\nlist: [1, -2]\n";
        (object? bound, List<ScenarioError> errors) = Read(Yaml);
        Assert.Empty(errors);
        var sample = Assert.IsType<Sample>(bound);
        Assert.Equal(
            [4L << 20, 1_500_000_000L, new RateSpec(3, 10_000_000), new Percent(1250), new DistributionSpec(DistributionKind.Uniform, 1_000_000, 5_000_000, 0), true, "a: b", 4096L, null, new ValueList<long>([1, -2])],
            sample.Values);

        string printed = string.Concat(Fields.Select(f => $"{f.Name}: {ValueText.Scalar(f, f.Get(sample))}\n"));
        Assert.Equal("size: 4MiB\nduration: 1500ms\nrate: 3/10ms\npercent: 12.5%\ndelay: uniform(1ms, 5ms)\nflag: true\ntext: \"a: b\"\npfn: 0x1000\nlimit: auto\nlist: [1, -2]\n", printed);
        Assert.Equal(sample.Values, Assert.IsType<Sample>(Read(printed).Bound).Values);
    }

    [Fact]
    public void Bad_values_of_each_kind_are_all_reported()
    {
        (object? bound, List<ScenarioError> errors) = Read("size: 1GB\nduration: 5\nrate: 5\npercent: 5\ndelay: exp(0)\nflag: 1\ntext: [x]\npfn: 0x1z\nlimit: lots\nlist: [a]\n");
        Assert.Null(bound);
        Assert.Equal(
            [
                "k.yaml:1:7: size: '1GB': unit 'GB' is not accepted; sizes take B, KiB, MiB, GiB, TiB or pages; did you mean '1GiB'?",
                "k.yaml:2:11: duration: '5' has no unit; write e.g. '5ms' or '5s' (units: ns, us, ms, s, min, h)",
                "k.yaml:3:7: rate: '5' is not a rate; write COUNT/UNIT, e.g. '100/s' or '5/ms'",
                "k.yaml:4:10: percent: '5' is not a percentage; write e.g. '5%'",
                "k.yaml:5:8: delay: 'exp(0)': the mean must be longer than zero",
                "k.yaml:6:7: flag: '1' is not true or false",
                "k.yaml:7:7: text: expected text, got a list",
                "k.yaml:8:6: pfn: '0x1z' is not an integer (decimal or 0x hex expected)",
                "k.yaml:9:8: limit: 'lots' is not an integer (decimal or 0x hex expected); or write 'auto'",
                "k.yaml:10:8: list[0]: 'a' is not an integer (decimal or 0x hex expected)",
            ],
            errors.Select(e => e.ToString()));
    }
}
