using System.Text;

namespace MmSim.Scenario;

/// <summary>
/// Generates the scenario file reference (<c>docs/scenario-schema.md</c>) from the same
/// declarations the loader and the writer use, so the reference cannot drift from the code
/// (a test compares the committed file with this output).
/// </summary>
public static class SchemaDoc
{
    /// <summary>Environment variable that makes the doc test rewrite the committed reference.</summary>
    public const string RegenerateVariable = "MMSIM_REGENERATE_DOCS";

    /// <summary>Where the reference lives, relative to the repository root.</summary>
    public const string RelativePath = "docs/scenario-schema.md";

    /// <summary>Renders the reference as Markdown.</summary>
    /// <returns>The Markdown text, ending in a newline.</returns>
    public static string Generate()
    {
        var b = new StringBuilder();
        b.Append("# Scenario files: reference (schema version ").Append(ScenarioSchema.Version).Append(")\n\n");
        b.Append("<!-- Generated from the declarations in src/MmSim.Core/Scenario by SchemaDoc.Generate(); do not edit by hand.\n");
        b.Append("     To regenerate: ").Append(RegenerateVariable).Append("=1 dotnet test --filter SchemaDocTests -->\n\n");
        AppendIntro(b);
        foreach (SectionDecl decl in Sections())
        {
            AppendSection(b, decl, "## ");
        }

        AppendWorkloads(b);
        AppendErrors(b);
        return b.ToString();
    }

    // Pre-order walk of the section tree, iterative: sections print in schema order.
    private static List<SectionDecl> Sections()
    {
        var order = new List<SectionDecl>();
        var pending = new Stack<SectionDecl>();
        pending.Push(ScenarioSchema.Root);
        while (pending.Count > 0)
        {
            SectionDecl decl = pending.Pop();
            order.Add(decl);
            foreach (FieldDecl f in decl.Fields.Where(f => f.Section is not null).Reverse())
            {
                pending.Push(f.Section!);
            }
        }

        return order;
    }

    private static void AppendIntro(StringBuilder b)
    {
        b.Append("A scenario file describes one simulated machine, its kernel settings and its workloads. ");
        b.Append("`mmsim validate FILE` lists every problem as `FILE:LINE:COL: field.path: message`. ");
        b.Append("Fields marked **required** must be given; every other field has a default. A run writes the resolved file ");
        b.Append("(every default applied, `auto` values computed) next to its results; it loads back to the same configuration.\n\n");
        b.Append("## Values\n\n");
        b.Append("| Type | Written as | Notes |\n|---|---|---|\n");
        b.Append("| size | `4KiB`, `512MiB`, `16GiB`, `1TiB`, `4096B`, `1024 pages` | IEC units only (`16GB` is refused: did you mean `16GiB`?); a page is 4KiB; a bare `0` is allowed |\n");
        b.Append("| duration | `500ns`, `20us`, `500ms`, `60s`, `2min`, `1h` | decimals allowed when the result is whole nanoseconds (`1.5s`) |\n");
        b.Append("| rate | `100/s`, `5/ms`, `3/10ms` | a positive whole count per unit or duration |\n");
        b.Append("| percent | `80%`, `12.5%` | at most two decimals |\n");
        b.Append("| distribution | `const(10ms)`, `exp(10ms)`, `uniform(1ms, 5ms)`, `lognormal(10ms, 0.5)` | exp takes the mean, lognormal the median and sigma (0 < sigma ≤ 10) |\n");
        b.Append("| integer | `2000000`, `2_000_000`, `0x100000` | `_` between digits; hex with `0x` |\n");
        b.Append("| PFN | `0x100000` | page frame number; the writer prints hex |\n");
        b.Append("| GFP | `GFP_KERNEL`, `GFP_KERNEL\\|__GFP_RECLAIMABLE` | Linux 6.18 names and values, joined by `\\|`; quote the key in YAML when it has `\\|` |\n\n");
    }

    private static void AppendSection(StringBuilder b, SectionDecl decl, string heading)
    {
        b.Append(heading).Append('`').Append(decl.Name).Append("`\n\n");
        b.Append(decl.Doc).Append("\n\n");
        if (decl.Fields.Count == 0)
        {
            b.Append("No parameters.\n\n");
            return;
        }

        b.Append("| Key | Type | Default | Allowed | Meaning |\n|---|---|---|---|---|\n");
        foreach (FieldDecl f in decl.Fields)
        {
            b.Append("| `").Append(f.Name).Append("` | ")
                .Append(Cell(ValueText.TypeName(f))).Append(" | ")
                .Append(Cell(DefaultText(f))).Append(" | ")
                .Append(Cell(AllowedText(f))).Append(" | ")
                .Append(Cell(f.Doc)).Append(" |\n");
        }

        b.Append('\n');
    }

    private static void AppendWorkloads(StringBuilder b)
    {
        b.Append("## Workload types\n\n");
        b.Append("Each item of `workloads` is a mapping with `type` and that type's parameters.\n\n");
        foreach (WorkloadType type in WorkloadRegistry.Types.Where(t => t.MissingMechanism is null))
        {
            AppendSection(b, type.Section with { Name = $"type: {type.Name}" }, "### ");
            foreach (FieldDecl list in type.Fields.Where(f => f.Section is not null))
            {
                AppendSection(b, list.Section! with { Name = $"type: {type.Name}, {list.Name}[]" }, "#### ");
            }
        }

        if (WorkloadRegistry.Types.All(t => t.MissingMechanism is null))
        {
            return;
        }

        b.Append("### Not yet available\n\n");
        b.Append("These types are reserved; naming one is an error that says which mechanism is missing.\n\n");
        b.Append("| Type | Needs | What it will do |\n|---|---|---|\n");
        foreach (WorkloadType type in WorkloadRegistry.Types.Where(t => t.MissingMechanism is not null))
        {
            b.Append("| `").Append(type.Name).Append("` | ").Append(Cell(type.MissingMechanism!)).Append(" | ").Append(Cell(type.Doc)).Append(" |\n");
        }

        b.Append('\n');
    }

    private static void AppendErrors(StringBuilder b)
    {
        b.Append("## Op scripts\n\n");
        b.Append("One operation per line: `alloc ID ORDER GFP` (ORDER 0..10, GFP as above) or `free ID`; `#` starts a comment. ");
        b.Append("An ID may be reused after it is freed. Problems are reported as `SCRIPT:LINE:COL: workloads[N].file: message`.\n\n");
        b.Append("Buddy-level lines act on the free lists at a named PFN (decimal or `0x` hex), bypassing the per-cpu lists and the allocator's ");
        b.Append("choice; `mmsim trace import --level buddy` writes them from a kmem trace so that the buddy's traffic replays exactly:\n\n");
        b.Append("- `alloc_pfn PFN ORDER`: take the 2^ORDER block at PFN (a multiple of 2^ORDER) off the free lists; the free block holding it ");
        b.Append("is split as expand() splits (take_page_off_buddy). Fails, counted, when the block is not wholly free at run time.\n");
        b.Append("- `free_pfn PFN ORDER`: return a block an earlier `alloc_pfn` took, or a piece of one (the rest is split into pieces of ");
        b.Append("that order, as split_page does), merging it as __free_one_page does onto its pageblock's list.\n");
        b.Append("- `claim_pfn PFN ORDER MIGRATETYPE`: give the pageblock(s) of the 2^max(ORDER, pageblock_order)-aligned range around PFN ");
        b.Append("to MIGRATETYPE (a /proc/pagetypeinfo name: Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate) and move their ");
        b.Append("free pages to its lists (try_to_claim_block).\n\n");
        b.Append("Loading refuses a `free_pfn` that no earlier, still-held `alloc_pfn` covers and an `alloc_pfn` that overlaps a held block.\n\n");
        b.Append("## Problems\n\n");
        b.Append("Loading reports every problem, sorted by position: YAML syntax, duplicate keys, unknown keys (with the closest known key), ");
        b.Append("missing required fields, wrong types and units, values out of range, sizes that are not whole pages or pageblocks, ");
        b.Append("zones out of order or overlapping, CMA areas that do not fit, and machines above the limits. Nothing is allocated before these checks pass. ");
        b.Append("An item that is wrong in itself (a zone with a bad size) is not also placed against the others; those checks run once it is fixed.\n");
    }

    private static string DefaultText(FieldDecl f)
    {
        if (f.Required)
        {
            return "**required**";
        }

        if (f.DefaultDoc is not null)
        {
            return f.DefaultDoc;
        }

        return f.Kind switch
        {
            FieldKind.Section => "see below",
            FieldKind.String when f.Default is "" => "empty",
            _ => $"`{ValueText.Scalar(f, f.Default)}`",
        };
    }

    private static string AllowedText(FieldDecl f)
    {
        if (f.RangeDoc is not null)
        {
            return f.RangeDoc;
        }

        string range = (f.Min, f.Max) switch
        {
            (long min, long max) => $"{ValueText.Quantity(f, min)} .. {ValueText.Quantity(f, max)}",
            (long min, null) => $"≥ {ValueText.Quantity(f, min)}",
            (null, long max) => $"≤ {ValueText.Quantity(f, max)}",
            _ => string.Empty,
        };
        if (f.Kind == FieldKind.IntList && range.Length > 0)
        {
            range = "each " + range;
        }

        if (f.Kind == FieldKind.Size)
        {
            string multiple = $"multiple of {Units.FormatSize(f.MultipleOf)}";
            range = range.Length == 0 ? multiple : $"{range}, {multiple}";
        }

        return f.Kind switch
        {
            FieldKind.OrderWeights => "orders 0..10, weights ≥ 0",
            FieldKind.GfpWeights => "GFP expressions, weights ≥ 0",
            _ => range,
        };
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
