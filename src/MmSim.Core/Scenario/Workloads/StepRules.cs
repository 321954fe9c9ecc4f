namespace MmSim.Scenario;

/// <summary>
/// The declaration of one step and its rules: which fields each action takes, which actions need a
/// mechanism mmsim does not model yet, and the order of a script (time order, names allocated
/// before they are freed).
/// </summary>
internal static class StepRules
{
    private const long CountMax = 1L << 28;

    public static readonly IReadOnlyList<string> ActionNames = ["alloc", "free", "pin", "drop_caches", "compact", "offline", "cma_alloc"];

    // Fields each action takes; a field given to an action not listed here is refused.
    private static readonly Dictionary<StepAction, string[]> Takes = new()
    {
        [StepAction.Alloc] = ["id", "gfp", "order", "count"],
        [StepAction.Free] = ["id"],
        [StepAction.Pin] = ["id", "size"],
        [StepAction.DropCaches] = ["value"],
        [StepAction.Compact] = [],
        [StepAction.Offline] = ["range"],
        [StepAction.CmaAlloc] = ["count", "order"],
    };

    // Fields an action cannot do without.
    private static readonly Dictionary<StepAction, string[]> Needs = new()
    {
        [StepAction.Alloc] = ["id", "gfp"],
        [StepAction.Free] = ["id"],
        [StepAction.Pin] = ["id", "size"],
    };

    public static SectionDecl Step { get; } = new(
        "steps[]",
        "One step. Only the fields of its action may be given.",
        [
            new()
            {
                Name = "at", Kind = FieldKind.Duration, Required = true, Min = 0,
                Doc = "simulated time at which the step runs",
                Get = FieldDecl.Of<StepConfig>(s => s.AtNs),
            },
            new()
            {
                Name = "do", Kind = FieldKind.Choice, Choices = ActionNames, Required = true, Check = v => MissingMechanism((string)v),
                Doc = "the action: alloc, free, pin, drop_caches (compact, offline and cma_alloc need mechanisms not modelled yet)",
                Get = FieldDecl.Of<StepConfig>(s => ActionNames[(int)s.Do]),
            },
            new()
            {
                Name = "id", Kind = FieldKind.String, DefaultDoc = "none", Check = v => ((string)v).Length is > 0 and <= 64 ? null : "an id has 1 to 64 characters",
                Doc = "name of the allocation (alloc, pin) and of what to free (free)",
                Get = FieldDecl.Of<StepConfig>(s => s.Id),
            },
            new()
            {
                Name = "gfp", Kind = FieldKind.String, DefaultDoc = "none", Convert = ParseGfp,
                Doc = "GFP flags of an alloc, kernel names joined by `|`",
                Get = FieldDecl.Of<StepConfig>(s => s.Gfp),
            },
            new()
            {
                Name = "order", Kind = FieldKind.Int, Min = 0, Max = Mm.MmConstants.MaxPageOrder, DefaultDoc = "0 for alloc",
                Doc = "order of each block of an alloc",
                Get = FieldDecl.Of<StepConfig>(s => s.Order),
            },
            new()
            {
                Name = "count", Kind = FieldKind.Int, Min = 1, Max = CountMax, DefaultDoc = "1 for alloc",
                Doc = "number of blocks of an alloc",
                Get = FieldDecl.Of<StepConfig>(s => s.Count),
            },
            TimedFields.Size<StepConfig>("size", "memory a pin faults in and pins", s => s.SizeBytes, defaultDoc: "none"),
            new()
            {
                Name = "value", Kind = FieldKind.Int, Min = 1, Max = 3, DefaultDoc = "3 for drop_caches",
                Doc = "what drop_caches drops: 1 clean page cache, 2 reclaimable slab, 3 both",
                Get = FieldDecl.Of<StepConfig>(s => s.Value),
            },
            new()
            {
                Name = "range", Kind = FieldKind.String, DefaultDoc = "none",
                Doc = "PFN range of an offline, e.g. `0x40000-0x48000` (offlining is not modelled yet)",
                Get = _ => null,
            },
        ],
        BindStep);

    /// <summary>The mechanism an action needs that mmsim does not model yet, as a load error; null when it is modelled.</summary>
    public static string? MissingMechanism(string action)
    {
        string? mechanism = action switch
        {
            "compact" => "compaction",
            "offline" => "memory offlining",
            "cma_alloc" => "alloc_contig_range",
            _ => null,
        };
        return mechanism is null ? null : $"'{action}' needs {mechanism}, which this version of mmsim does not model yet";
    }

    /// <summary>Checks the script as a whole and builds the steps.</summary>
    public static List<StepConfig>? Sequence(ValueList<FieldValues> items, LoadContext ctx)
    {
        var steps = new List<StepConfig>(items.Count);
        var live = new HashSet<string>(StringComparer.Ordinal);
        long previousNs = 0;
        bool ok = true;
        foreach (FieldValues item in items)
        {
            StepConfig step = Build(item);
            if (step.AtNs < previousNs)
            {
                ctx.Error(item.MarkOf("at"), item.PathOf("at"), $"steps must be in time order: {Units.FormatDuration(step.AtNs)} comes after {Units.FormatDuration(previousNs)}");
                ok = false;
            }

            ok &= CheckName(step, item, live, ctx);
            previousNs = Math.Max(previousNs, step.AtNs);
            steps.Add(step);
        }

        return ok ? steps : null;
    }

    private static StepAction Parse(string text)
    {
        int i = 0;
        while (ActionNames[i] != text)
        {
            i++;
        }

        return (StepAction)i;
    }

    // Per step: only the action's own fields, and all it needs.
    private static FieldValues? BindStep(FieldValues v, LoadContext ctx)
    {
        StepAction action = Parse(v.Get<string>("do"));
        bool ok = true;
        foreach (FieldDecl f in Step.Fields)
        {
            if (f.Name is "at" or "do")
            {
                continue;
            }

            bool takes = Array.IndexOf(Takes[action], f.Name) >= 0;
            if (v.IsPresent(f.Name) && !takes)
            {
                ctx.Error(v.MarkOf(f.Name), v.PathOf(f.Name), $"'{f.Name}' does not apply to a '{ActionNames[(int)action]}' step");
                ok = false;
            }
            else if (!v.IsPresent(f.Name) && Needs.TryGetValue(action, out string[]? needed) && Array.IndexOf(needed, f.Name) >= 0)
            {
                ctx.Error(v.Node.Start, v.PathOf(f.Name), $"a '{ActionNames[(int)action]}' step needs '{f.Name}' ({f.Doc})");
                ok = false;
            }
        }

        return ok ? v : null;
    }

    private static StepConfig Build(FieldValues v)
    {
        StepAction action = Parse(v.Get<string>("do"));
        var gfp = (GfpText?)v.Raw("gfp");
        bool alloc = action == StepAction.Alloc;
        return new StepConfig(
            v.Get<long>("at"),
            action,
            (string?)v.Raw("id"),
            gfp?.Text,
            gfp?.Mask ?? 0,
            alloc ? (long?)v.Raw("order") ?? 0 : null,
            alloc ? (long?)v.Raw("count") ?? 1 : null,
            (long?)v.Raw("size"),
            action == StepAction.DropCaches ? (long?)v.Raw("value") ?? 3 : null);
    }

    // The gfp text is parsed once, when read; the step keeps both the text and the mask.
    private static (object? Value, string? Error) ParseGfp(object text) =>
        GfpNames.TryParse((string)text, out uint mask, out string error) ? (new GfpText((string)text, mask), null) : (null, error);

    // alloc and pin name something that must not be live yet; free names something that is.
    private static bool CheckName(StepConfig step, FieldValues item, HashSet<string> live, LoadContext ctx)
    {
        if (step.Id is not string id)
        {
            return true;
        }

        if (step.Do == StepAction.Free)
        {
            if (live.Remove(id))
            {
                return true;
            }

            ctx.Error(item.MarkOf("id"), item.PathOf("id"), $"'{id}' is not allocated by an earlier step (or is already freed)");
            return false;
        }

        if (live.Add(id))
        {
            return true;
        }

        ctx.Error(item.MarkOf("id"), item.PathOf("id"), $"'{id}' is still allocated; free it first or choose another id");
        return false;
    }
}

/// <summary>A step's gfp field as read: the text as written and its parsed mask.</summary>
/// <param name="Text">The mask as written.</param>
/// <param name="Mask">The parsed mask.</param>
internal readonly record struct GfpText(string Text, uint Mask);
