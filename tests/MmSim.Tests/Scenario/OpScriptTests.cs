using MmSim.Scenario;

namespace MmSim.Tests.Scenario;

public class OpScriptTests
{
    private static (OpScript? Script, string[] Errors) Parse(string text, int errorsMax = OpScript.ErrorsMaxDefault)
    {
        var errors = new List<ScenarioError>();
        OpScript? script = OpScript.Parse(new StringReader(text), "demo.ops", errors, errorsMax);
        return (script, [.. errors.Select(e => e.ToString())]);
    }

    [Fact]
    public void Parses_allocs_frees_comments_and_reused_ids()
    {
        (OpScript? script, string[] errors) = Parse(
            "# header\n\nalloc a 0 GFP_KERNEL\nalloc b 9 GFP_KERNEL|__GFP_RECLAIMABLE  # trailing comment\n"
            + "free a\nalloc a 10 GFP_NOFS | __GFP_NOWARN\n\tfree b\n");
        Assert.Empty(errors);
        Assert.NotNull(script);
        Assert.Equal(["a", "b"], script.Ids);
        OpScriptEntry[] expected =
        [
            new(OpKind.Alloc, 0, 0, 0xcc0),
            new(OpKind.Alloc, 1, 9, 0xcd0),
            new(OpKind.Free, 0, 0, 0),
            new(OpKind.Alloc, 0, 10, 0xc40 | 0x2000),
            new(OpKind.Free, 1, 0, 0),
        ];
        Assert.Equal(expected, script.Entries);
    }

    [Fact]
    public void Reports_every_error_with_file_line_and_column()
    {
        (OpScript? script, string[] errors) = Parse(
            "alloc a 0 GFP_KERNEL\n"
            + "alloc a 1 GFP_KERNEL\n"
            + "alloc b 11 GFP_KERNEL\n"
            + "alloc c 0 GFP_KERNAL\n"
            + "free zz\n"
            + "free a\nfree a\n"
            + "alocc d 0 GFP_KERNEL\n"
            + "alloc e 0\n"
            + "free a b\n");
        Assert.Null(script);
        Assert.Equal(
            [
                "demo.ops:2:7: 'a' is still allocated (by line 1); free it first or use another ID",
                "demo.ops:3:9: order '11' is not a whole number from 0 to 10 (MAX_PAGE_ORDER)",
                "demo.ops:4:11: unknown GFP flag 'GFP_KERNAL'; did you mean 'GFP_KERNEL'?",
                "demo.ops:5:6: 'zz' is freed but no line above allocates it; 'free ID' names an ID an earlier 'alloc' line gave",
                "demo.ops:8:1: unknown operation 'alocc'; did you mean 'alloc'? lines are 'alloc ID ORDER GFP', 'free ID', 'alloc_pfn PFN ORDER', 'free_pfn PFN ORDER' or 'claim_pfn PFN ORDER MIGRATETYPE'",
                "demo.ops:9:1: 'alloc' needs ID, ORDER and GFP: 'alloc ID ORDER GFP', e.g. 'alloc a1 0 GFP_KERNEL'",
                "demo.ops:10:8: 'free' takes exactly one ID: 'free ID'",
            ],
            errors);
    }

    [Fact]
    public void Caps_the_number_of_errors_and_says_how_many_were_left_out()
    {
        string text = string.Concat(Enumerable.Range(0, 30).Select(i => $"alloc x{i} 11 GFP_KERNEL\n"));
        (_, string[] errors) = Parse(text, errorsMax: 5);
        Assert.Equal(6, errors.Length);
        Assert.Equal("demo.ops: 25 more errors in this op script not shown", errors[^1]);
    }

    [Fact]
    public void A_missing_file_is_one_error_without_a_line()
    {
        var errors = new List<ScenarioError>();
        Assert.Null(OpScript.ParseFile("/nonexistent/x.ops", "x.ops", errors));
        ScenarioError e = Assert.Single(errors);
        Assert.Equal(0, e.Line);
        Assert.StartsWith("x.ops: cannot read the op script: ", e.ToString(), StringComparison.Ordinal);
    }
}
