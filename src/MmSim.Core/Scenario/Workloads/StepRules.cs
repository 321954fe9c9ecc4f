namespace MmSim.Scenario;

/// <summary>
/// The declaration of one step and its rules: which fields each action takes, which actions need a
/// mechanism mmsim does not model yet, and the order of a script (time order, names allocated
/// before they are freed).
/// </summary>
internal static class StepRules
{
    private const long CountMax = 1L << 28;

    // TASK_COMM_LEN is 16 with the terminating NUL.
    private const int CommLengthMax = 15;

    // NAME_MAX, as the pagecache workload's file names.
    private const int FileNameLengthMax = 255;

    public static readonly IReadOnlyList<string> ActionNames =
        ["alloc", "free", "pin", "drop_caches", "compact", "offline", "cma_alloc", "online", "cma_release", "alloc_contig", "nr_hugepages", "writeback",
         "move_pages", "mbind", "soft_offline", "memory_failure", "pin_longterm", "fuse_abort"];

    // Fields each action takes; a field given to an action not listed here is refused.
    private static readonly Dictionary<StepAction, string[]> Takes = new()
    {
        [StepAction.Alloc] = ["id", "gfp", "order", "count"],
        [StepAction.Free] = ["id"],
        [StepAction.Pin] = ["id", "size"],
        [StepAction.DropCaches] = ["value"],
        [StepAction.Compact] = ["zone"],
        [StepAction.Offline] = ["block", "signal_after"],
        [StepAction.CmaAlloc] = ["id", "area", "pages", "align"],
        [StepAction.Online] = ["block"],
        [StepAction.CmaRelease] = ["id"],
        [StepAction.AllocContig] = ["id", "pages", "gfp"],
        [StepAction.NrHugepages] = ["value", "hugepage_size"],
        [StepAction.Writeback] = ["file", "size", "until", "owner"],
        [StepAction.MovePages] = ["file", "mount", "index", "pages"],
        [StepAction.Mbind] = ["file", "mount", "index", "pages"],
        [StepAction.SoftOffline] = ["pfn", "file", "mount", "index"],
        [StepAction.MemoryFailure] = ["pfn", "file", "mount", "index"],
        [StepAction.PinLongterm] = ["file", "mount", "index", "pages"],
        [StepAction.FuseAbort] = ["mount"],
    };

    // Fields an action cannot do without.
    private static readonly Dictionary<StepAction, string[]> Needs = new()
    {
        [StepAction.Alloc] = ["id", "gfp"],
        [StepAction.Free] = ["id"],
        [StepAction.Pin] = ["id", "size"],
        [StepAction.Offline] = ["block"],
        [StepAction.CmaAlloc] = ["id", "area", "pages"],
        [StepAction.Online] = ["block"],
        [StepAction.CmaRelease] = ["id"],
        [StepAction.AllocContig] = ["id", "pages"],
        [StepAction.NrHugepages] = ["value"],
        [StepAction.Writeback] = ["file", "size", "until", "owner"],
        [StepAction.MovePages] = ["file"],
        [StepAction.Mbind] = ["file"],
        [StepAction.PinLongterm] = ["file"],
        [StepAction.FuseAbort] = ["mount"],
    };

    /// <summary>alloc_contig_pages' mask when a step gives none (GFP_KERNEL, as most callers).</summary>
    public const string AllocContigGfpDefault = "GFP_KERNEL";

    /// <summary>The hugetlb page sizes of x86-64: PMD (2 MiB) and PUD (1 GiB, gigantic).</summary>
    public const long HugepageSize2M = 2 * Units.MiB;

    /// <summary>The gigantic (PUD) huge page size.</summary>
    public const long HugepageSize1G = Units.GiB;

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
                Name = "do", Kind = FieldKind.Choice, Choices = ActionNames, Required = true,
                Doc = "the action: " + string.Join(", ", ActionNames),
                Get = FieldDecl.Of<StepConfig>(s => ActionNames[(int)s.Do]),
            },
            new()
            {
                Name = "id", Kind = FieldKind.String, DefaultDoc = "none", Check = v => ((string)v).Length is > 0 and <= 64 ? null : "an id has 1 to 64 characters",
                Doc = "name of the allocation (alloc, pin, cma_alloc, alloc_contig) and of what to free (free, cma_release)",
                Get = FieldDecl.Of<StepConfig>(s => s.Id),
            },
            new()
            {
                Name = "gfp", Kind = FieldKind.String, DefaultDoc = "none; " + AllocContigGfpDefault + " for alloc_contig", Convert = ParseGfp,
                Doc = "GFP flags of an alloc or alloc_contig, kernel names joined by `|`",
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
            TimedFields.Size<StepConfig>("size", "memory a pin faults in and pins; bytes of the file a writeback puts under writeback (from offset 0)", s => s.SizeBytes, defaultDoc: "none"),
            new()
            {
                Name = "value", Kind = FieldKind.Int, Min = 0, Max = CountMax, DefaultDoc = "3 for drop_caches",
                Doc = "what drop_caches drops (1 clean page cache, 2 reclaimable slab, 3 both); the pool size nr_hugepages asks for",
                RangeDoc = "1 to 3 for drop_caches, 0 or more for nr_hugepages",
                Get = FieldDecl.Of<StepConfig>(s => s.Value),
            },
            new()
            {
                Name = "zone", Kind = FieldKind.Choice, Choices = Mm.ZoneTypes.Names, DefaultDoc = "the whole node",
                Doc = "the zone a compact step compacts (as compact_node does for each zone); without it, /proc/sys/vm/compact_memory",
                Get = FieldDecl.Of<StepConfig>(s => s.Zone),
            },
            new()
            {
                Name = "block", Kind = FieldKind.Int, Min = 0, Max = int.MaxValue, DefaultDoc = "none",
                Doc = "memory block of an offline or online (/sys/devices/system/memory/memoryN; its first PFN is N × pages per block)",
                Get = FieldDecl.Of<StepConfig>(s => s.Block),
            },
            new()
            {
                Name = "signal_after", Kind = FieldKind.Duration, Min = 1, DefaultDoc = "no signal",
                Doc = "time after an offline starts at which its task is sent a signal (as `timeout` does): the attempt ends with -EINTR between migration passes",
                Get = FieldDecl.Of<StepConfig>(s => s.SignalAfterNs),
            },
            new()
            {
                Name = "area", Kind = FieldKind.String, DefaultDoc = "none", Check = v => ((string)v).Length is > 0 and <= 64 ? null : "an area name has 1 to 64 characters",
                Doc = "CMA area of a cma_alloc, by its `machine.cma[].name`",
                Get = FieldDecl.Of<StepConfig>(s => s.Area),
            },
            new()
            {
                Name = "pages", Kind = FieldKind.Int, Min = 1, Max = CountMax, DefaultDoc = "none",
                Doc = "pages of a cma_alloc or an alloc_contig",
                Get = FieldDecl.Of<StepConfig>(s => s.Pages),
            },
            new()
            {
                Name = "align", Kind = FieldKind.Int, Min = 0, Max = Mm.MmConstants.MaxPageOrder, DefaultDoc = "0 for cma_alloc",
                Doc = "alignment order of a cma_alloc (cma_alloc's `align`: the range starts at a multiple of 2^align pages)",
                Get = FieldDecl.Of<StepConfig>(s => s.Align),
            },
            new()
            {
                Name = "hugepage_size", Kind = FieldKind.Size, DefaultDoc = "2MiB for nr_hugepages",
                Check = v => (long)v is HugepageSize2M or HugepageSize1G ? null : "x86-64 huge pages are 2MiB (PMD) or 1GiB (PUD, gigantic)",
                RangeDoc = "2MiB or 1GiB",
                Doc = "the hstate an nr_hugepages step resizes (/sys/kernel/mm/hugepages/hugepages-SIZEkB/nr_hugepages)",
                Get = FieldDecl.Of<StepConfig>(s => s.HugepageSizeBytes),
            },
            new()
            {
                Name = "file", Kind = FieldKind.String, DefaultDoc = "none",
                Check = v => ((string)v).Length is > 0 and <= FileNameLengthMax ? null : $"a file name has 1 to {FileNameLengthMax} characters (NAME_MAX)",
                Doc = "the file a writeback step writes and puts under writeback (shared with `pagecache` workloads naming it); the file whose page-cache folios a move_pages, mbind, pin_longterm, soft_offline or memory_failure works on (by name; on `mount` when given)",
                Get = FieldDecl.Of<StepConfig>(s => s.File),
            },
            new()
            {
                Name = "until", Kind = FieldKind.String, DefaultDoc = "none", Convert = ParseUntil,
                Doc = "simulated time at which a writeback ends (folio_end_writeback on every folio), after `at`; `never`: it never ends",
                RangeDoc = "a duration after `at`, or `never`",
                Get = FieldDecl.Of<StepConfig>(s => FormatUntil(s.UntilNs)),
            },
            new()
            {
                Name = "owner", Kind = FieldKind.String, DefaultDoc = "none",
                Check = v => ((string)v).Length is > 0 and <= CommLengthMax ? null : $"a task name (comm) has 1 to {CommLengthMax} characters (TASK_COMM_LEN)",
                Doc = "command name of the task that ends a writeback; hung-task and deadlock reports name it as the releaser",
                Get = FieldDecl.Of<StepConfig>(s => s.Owner),
            },
            new()
            {
                Name = "mount", Kind = FieldKind.String, DefaultDoc = "none: the file is found by name",
                Check = v => ((string)v).Length is > 0 and <= 64 ? null : "a mount name has 1 to 64 characters",
                Doc = "mount (by its `mounts[].name`) of the file of a move_pages, mbind, pin_longterm, soft_offline or memory_failure; the FUSE mount a fuse_abort aborts",
                Get = FieldDecl.Of<StepConfig>(s => s.Mount),
            },
            new()
            {
                Name = "index", Kind = FieldKind.Int, Min = 0, Max = CountMax, DefaultDoc = "0",
                Doc = "first page index in `file` of a move_pages, mbind, pin_longterm (over `pages` pages, 1 when not given), soft_offline or memory_failure",
                Get = FieldDecl.Of<StepConfig>(s => s.Index),
            },
            new()
            {
                Name = "pfn", Kind = FieldKind.Int, Min = 0, Max = int.MaxValue, DefaultDoc = "none",
                Doc = "the page frame a soft_offline or memory_failure hits (instead of `file`)",
                Get = FieldDecl.Of<StepConfig>(s => s.Pfn),
            },
        ],
        BindStep);

    /// <summary>Checks the script as a whole and builds the steps.</summary>
    public static List<StepConfig>? Sequence(ValueList<FieldValues> items, LoadContext ctx)
    {
        var steps = new List<StepConfig>(items.Count);
        var live = new Dictionary<string, StepAction>(StringComparer.Ordinal);
        var writebackEnds = new Dictionary<string, long>(StringComparer.Ordinal);
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
            ok &= CheckWriteback(step, item, writebackEnds, ctx);
            if (step.Block is long block)
            {
                ctx.MemoryBlockRefs.Add((item.MarkOf("block"), item.PathOf("block"), block));
            }

            if (step.Area is string area)
            {
                ctx.CmaAreaRefs.Add((item.MarkOf("area"), item.PathOf("area"), area));
            }

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

    // Per step: only the action's own fields, all it needs, and the rules between its fields.
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

        if (ok && action == StepAction.DropCaches && v.IsPresent("value") && v.Get<long>("value") is < 1 or > 3)
        {
            ctx.Error(v.MarkOf("value"), v.PathOf("value"), $"drop_caches takes 1, 2 or 3, got {v.Get<long>("value")}");
            ok = false;
        }

        if (ok && action == StepAction.Writeback && (long)v.Raw("until")! <= v.Get<long>("at"))
        {
            ctx.Error(v.MarkOf("until"), v.PathOf("until"), $"until ({Units.FormatDuration((long)v.Raw("until")!)}) must come after at ({Units.FormatDuration(v.Get<long>("at"))})");
            ok = false;
        }

        // steps (issue 9): a soft_offline or memory_failure hits a pfn or a file page, not both.
        if (ok && action is StepAction.SoftOffline or StepAction.MemoryFailure && v.IsPresent("pfn") == v.IsPresent("file"))
        {
            string which = v.IsPresent("pfn") ? "both 'pfn' and 'file'" : "neither 'pfn' nor 'file'";
            ctx.Error(v.IsPresent("pfn") ? v.MarkOf("pfn") : v.Node.Start, v.PathOf("pfn"), $"a '{ActionNames[(int)action]}' step takes 'pfn' or 'file' (with 'index'), got {which}");
            ok = false;
        }

        if (ok && action is StepAction.SoftOffline or StepAction.MemoryFailure && v.IsPresent("pfn") && (v.IsPresent("index") || v.IsPresent("mount")))
        {
            string field = v.IsPresent("index") ? "index" : "mount";
            ctx.Error(v.MarkOf(field), v.PathOf(field), $"'{field}' names a page of 'file'; a step with 'pfn' takes neither");
            ok = false;
        }

        return ok ? v : null;
    }

    private static StepConfig Build(FieldValues v)
    {
        StepAction action = Parse(v.Get<string>("do"));
        var gfp = (GfpText?)v.Raw("gfp");
        if (gfp is null && action == StepAction.AllocContig)
        {
            gfp = (GfpText)ParseGfp(AllocContigGfpDefault).Value!;
        }

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
            action == StepAction.DropCaches ? (long?)v.Raw("value") ?? 3 : (long?)v.Raw("value"),
            Zone: (string?)v.Raw("zone"),
            Block: (long?)v.Raw("block"),
            SignalAfterNs: (long?)v.Raw("signal_after"),
            Area: (string?)v.Raw("area"),
            Pages: action is StepAction.MovePages or StepAction.Mbind or StepAction.PinLongterm ? (long?)v.Raw("pages") ?? 1 : (long?)v.Raw("pages"),
            Align: action == StepAction.CmaAlloc ? (long?)v.Raw("align") ?? 0 : null,
            HugepageSizeBytes: action == StepAction.NrHugepages ? (long?)v.Raw("hugepage_size") ?? HugepageSize2M : null,
            File: (string?)v.Raw("file"),
            UntilNs: (long?)v.Raw("until"),
            Owner: (string?)v.Raw("owner"),
            Mount: (string?)v.Raw("mount"),
            Index: action is StepAction.MovePages or StepAction.Mbind or StepAction.PinLongterm || (action is StepAction.SoftOffline or StepAction.MemoryFailure && v.IsPresent("file"))
                ? (long?)v.Raw("index") ?? 0 : null,
            Pfn: (long?)v.Raw("pfn"));
    }

    // The gfp text is parsed once, when read; the step keeps both the text and the mask.
    private static (object? Value, string? Error) ParseGfp(object text) =>
        GfpNames.TryParse((string)text, out uint mask, out string error) ? (new GfpText((string)text, mask), null) : (null, error);

    // until: a time, or `never`.
    private static (object? Value, string? Error) ParseUntil(object text)
    {
        string t = ((string)text).Trim();
        if (t == "never")
        {
            return (StepConfig.Never, null);
        }

        return Units.TryParseDuration(t, out long ns, out string error) ? (ns, null) : (null, $"{error}; or write 'never'");
    }

    private static string? FormatUntil(long? untilNs) => untilNs switch
    {
        null => null,
        StepConfig.Never => "never",
        long ns => Units.FormatDuration(ns),
    };

    // alloc, pin, cma_alloc and alloc_contig name something that must not be live yet; free names an
    // alloc, pin or alloc_contig that is, cma_release a cma_alloc that is.
    private static bool CheckName(StepConfig step, FieldValues item, Dictionary<string, StepAction> live, LoadContext ctx)
    {
        if (step.Id is not string id)
        {
            return true;
        }

        if (step.Do is StepAction.Free or StepAction.CmaRelease)
        {
            if (!live.TryGetValue(id, out StepAction made))
            {
                ctx.Error(item.MarkOf("id"), item.PathOf("id"), $"'{id}' is not allocated by an earlier step (or is already freed)");
                return false;
            }

            bool cma = made == StepAction.CmaAlloc;
            if (cma != (step.Do == StepAction.CmaRelease))
            {
                string how = cma ? "a cma_alloc; give it back with cma_release" : $"not from a cma_alloc (it is an {ActionNames[(int)made]}); free it with free";
                ctx.Error(item.MarkOf("id"), item.PathOf("id"), $"'{id}' is {how}");
                return false;
            }

            live.Remove(id);
            return true;
        }

        if (live.TryAdd(id, step.Do))
        {
            return true;
        }

        ctx.Error(item.MarkOf("id"), item.PathOf("id"), $"'{id}' is still allocated; free it first or choose another id");
        return false;
    }

    // A folio is put under writeback once at a time (folio_start_writeback of one under writeback is a bug).
    private static bool CheckWriteback(StepConfig step, FieldValues item, Dictionary<string, long> ends, LoadContext ctx)
    {
        if (step.Do != StepAction.Writeback)
        {
            return true;
        }

        string file = step.File!;
        if (ends.TryGetValue(file, out long until) && until > step.AtNs)
        {
            string when = until == StepConfig.Never ? "forever" : "until " + Units.FormatDuration(until);
            ctx.Error(item.MarkOf("file"), item.PathOf("file"), $"file '{file}' is under writeback {when} from an earlier step; a folio is put under writeback once at a time");
            return false;
        }

        ends[file] = step.UntilNs!.Value;
        return true;
    }
}

/// <summary>A step's gfp field as read: the text as written and its parsed mask.</summary>
/// <param name="Text">The mask as written.</param>
/// <param name="Mask">The parsed mask.</param>
internal readonly record struct GfpText(string Text, uint Mask);
