using System.Globalization;
using System.Runtime.InteropServices;
using MmSim.Kernel;
using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>What an op-script line does.</summary>
public enum OpKind : byte
{
    /// <summary><c>alloc ID ORDER GFP</c>: allocate 2^ORDER pages and name the block ID.</summary>
    Alloc,

    /// <summary><c>free ID</c>: free the block named ID.</summary>
    Free,

    /// <summary><c>alloc_pfn PFN ORDER</c>: take the 2^ORDER block at PFN off the buddy free lists (buddy-level replay).</summary>
    AllocPfn,

    /// <summary><c>free_pfn PFN ORDER</c>: return the block at PFN, taken by an earlier <c>alloc_pfn</c>, to the buddy.</summary>
    FreePfn,

    /// <summary><c>claim_pfn PFN ORDER MIGRATETYPE</c>: give the pageblock(s) of the order-ORDER block at PFN to MIGRATETYPE.</summary>
    ClaimPfn,
}

/// <summary>One operation of an op script, compact so that long scripts stay small in memory.</summary>
/// <param name="Kind">What the line does.</param>
/// <param name="IdIndex">Index of the block's ID in <see cref="OpScript.Ids"/> (first appearance order); for the PFN
/// verbs (<see cref="OpKind.AllocPfn"/>, <see cref="OpKind.FreePfn"/>, <see cref="OpKind.ClaimPfn"/>) the PFN.</param>
/// <param name="Order">Buddy order of an allocation or of a PFN verb (0..MAX_PAGE_ORDER); 0 for <c>free</c>.</param>
/// <param name="GfpMask">GFP mask of an allocation (see <see cref="GfpNames"/>); the <see cref="MigrateType"/> of a
/// <c>claim_pfn</c>; else 0.</param>
[StructLayout(LayoutKind.Auto)] // lets the runtime pack the two bytes together: 12 bytes instead of 16
public readonly record struct OpScriptEntry(OpKind Kind, int IdIndex, byte Order, uint GfpMask);

/// <summary>
/// A parsed op script: a replayable list of page allocations and frees. The text format is
/// one operation per line — <c>alloc ID ORDER GFP</c> or <c>free ID</c> — with <c>#</c>
/// comments and blank lines; GFP is a <c>|</c>-list of kernel names (<see cref="GfpNames"/>).
/// Buddy-level lines act on the free lists at a named PFN, bypassing the per-cpu lists and the
/// allocator's choice: <c>alloc_pfn PFN ORDER</c>, <c>free_pfn PFN ORDER</c> and
/// <c>claim_pfn PFN ORDER MIGRATETYPE</c> (PFN decimal or 0x-hex; MIGRATETYPE a /proc/pagetypeinfo name).
/// </summary>
/// <param name="Entries">The operations in file order.</param>
/// <param name="Ids">The block IDs as written, indexed by <see cref="OpScriptEntry.IdIndex"/>.</param>
/// <remarks>
/// The parser checks what can be checked without running the allocator: an ID is not
/// allocated twice without a free in between, and a free names an ID some earlier line allocates
/// (a free whose allocation failed at run time, or of an ID already freed, is a counted no-op). IDs may be
/// reused after a free; blocks still allocated at the end are simply left allocated. Likewise a
/// <c>free_pfn</c> must name a block (or a piece of a block) an earlier <c>alloc_pfn</c> took and no line
/// freed since, and an <c>alloc_pfn</c> may not overlap a block still taken.
/// </remarks>
public sealed record OpScript(ValueList<OpScriptEntry> Entries, ValueList<string> Ids)
{
    /// <summary>Default cap on reported errors per script, so a wrong file does not bury the other problems.</summary>
    public const int ErrorsMaxDefault = 20;

    /// <summary>Most operations a script may hold (about 1.2 GB parsed); longer replays should be split.</summary>
    public const int EntriesMax = 100_000_000;

    /// <summary>Parses an op-script file.</summary>
    /// <param name="path">Where to read the file.</param>
    /// <param name="fileForMessages">How errors name the file (typically the path as the user wrote it).</param>
    /// <param name="errors">Receives every problem found (at most <paramref name="errorsMax"/> plus a summary line).</param>
    /// <param name="errorsMax">Cap on reported problems.</param>
    /// <returns>The script, or null when there were errors or the file could not be read.</returns>
    public static OpScript? ParseFile(string path, string fileForMessages, ICollection<ScenarioError> errors, int errorsMax = ErrorsMaxDefault)
    {
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            using var reader = new StreamReader(path);
            return Parse(reader, fileForMessages, errors, errorsMax);
        }
        catch (IOException e)
        {
            errors.Add(new ScenarioError(fileForMessages, 0, 0, string.Empty, $"cannot read the op script: {e.Message}"));
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            errors.Add(new ScenarioError(fileForMessages, 0, 0, string.Empty, $"cannot read the op script: {e.Message}"));
            return null;
        }
    }

    /// <summary>Parses op-script text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="fileForMessages">How errors name the file.</param>
    /// <param name="errors">Receives every problem found (at most <paramref name="errorsMax"/> plus a summary line).</param>
    /// <param name="errorsMax">Cap on reported problems.</param>
    /// <returns>The script, or null when there were errors.</returns>
    public static OpScript? Parse(TextReader reader, string fileForMessages, ICollection<ScenarioError> errors, int errorsMax = ErrorsMaxDefault)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(errors);
        var parser = new OpScriptParser(fileForMessages, errorsMax);
        int lineNumber = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber = checked(lineNumber + 1);
            if (!parser.ParseLine(line, lineNumber))
            {
                break;
            }
        }

        return parser.Finish(errors);
    }
}

/// <summary>Line-by-line state of <see cref="OpScript.Parse"/>: IDs seen, which are live, errors so far.</summary>
internal sealed class OpScriptParser(string file, int errorsMax)
{
    private readonly List<OpScriptEntry> _entries = [];
    private readonly List<string> _ids = [];
    private readonly Dictionary<string, int> _idIndex = new(StringComparer.Ordinal);

    // Per ID index: the line of the alloc that made it live (0 when not live), and of its last free.
    private readonly List<(int AllocLine, int FreeLine)> _state = [];
    private readonly List<ScenarioError> _errors = [];
    private readonly PfnBlocks _pfnBlocks = new();
    private int _errorsDropped;

    /// <summary>Parses one line; returns false when the script is too long to go on.</summary>
    public bool ParseLine(string line, int lineNumber)
    {
        if (_entries.Count >= OpScript.EntriesMax)
        {
            Error(lineNumber, 1, $"more than {OpScript.EntriesMax} operations; split the script");
            return false;
        }

        int hash = line.IndexOf('#', StringComparison.Ordinal);
        string code = hash >= 0 ? line[..hash] : line;
        List<(string Text, int Column)> tokens = Tokenize(code);
        if (tokens.Count == 0)
        {
            return true;
        }

        switch (tokens[0].Text)
        {
            case "alloc":
                ParseAlloc(tokens, lineNumber);
                break;
            case "free":
                ParseFree(tokens, lineNumber);
                break;
            case "alloc_pfn":
            case "free_pfn":
            case "claim_pfn":
                ParsePfnVerb(tokens, lineNumber);
                break;
            default:
                string? closest = Suggest.Closest(tokens[0].Text, ["alloc", "free", "alloc_pfn", "free_pfn", "claim_pfn"]);
                string hint = closest is null ? string.Empty : $"did you mean '{closest}'? ";
                Error(lineNumber, tokens[0].Column,
                    $"unknown operation '{tokens[0].Text}'; {hint}lines are 'alloc ID ORDER GFP', 'free ID', 'alloc_pfn PFN ORDER', 'free_pfn PFN ORDER' or 'claim_pfn PFN ORDER MIGRATETYPE'");
                break;
        }

        return true;
    }

    public OpScript? Finish(ICollection<ScenarioError> errors)
    {
        foreach (ScenarioError e in _errors)
        {
            errors.Add(e);
        }

        if (_errorsDropped > 0)
        {
            errors.Add(new ScenarioError(file, 0, 0, string.Empty, $"{_errorsDropped} more errors in this op script not shown"));
        }

        return _errors.Count == 0 ? new OpScript(new ValueList<OpScriptEntry>(_entries), new ValueList<string>(_ids)) : null;
    }

    private void ParseAlloc(List<(string Text, int Column)> tokens, int lineNumber)
    {
        if (tokens.Count < 4)
        {
            Error(lineNumber, tokens[0].Column, "'alloc' needs ID, ORDER and GFP: 'alloc ID ORDER GFP', e.g. 'alloc a1 0 GFP_KERNEL'");
            return;
        }

        (string id, int idColumn) = tokens[1];
        (string orderText, int orderColumn) = tokens[2];
        bool orderOk = int.TryParse(orderText, NumberStyles.None, CultureInfo.InvariantCulture, out int order) && order <= MmConstants.MaxPageOrder;
        if (!orderOk)
        {
            Error(lineNumber, orderColumn, $"order '{orderText}' is not a whole number from 0 to {MmConstants.MaxPageOrder} (MAX_PAGE_ORDER)");
        }

        // GFP may be written with spaces around '|'; everything after ORDER is the expression.
        string gfp = string.Join(' ', tokens.Skip(3).Select(t => t.Text));
        bool gfpOk = GfpNames.TryParse(gfp, out uint mask, out string gfpError);
        if (!gfpOk)
        {
            Error(lineNumber, tokens[3].Column, gfpError);
        }

        int index = IndexOf(id);
        (int allocLine, _) = _state[index];
        if (allocLine > 0)
        {
            Error(lineNumber, idColumn, $"'{id}' is still allocated (by line {allocLine}); free it first or use another ID");
            return;
        }

        _state[index] = (lineNumber, 0);
        if (orderOk && gfpOk)
        {
            _entries.Add(new OpScriptEntry(OpKind.Alloc, index, (byte)order, mask));
        }
    }

    private void ParseFree(List<(string Text, int Column)> tokens, int lineNumber)
    {
        if (tokens.Count != 2)
        {
            int column = tokens.Count > 2 ? tokens[2].Column : tokens[0].Column;
            Error(lineNumber, column, "'free' takes exactly one ID: 'free ID'");
            return;
        }

        // An ID no line above allocates is a typo or a truncated script: nothing at run time could make
        // that free mean anything. A free of an ID that is not live (already freed, or its allocation
        // failed at run time) is not an error: the replay counts such frees and ignores them.
        (string id, int idColumn) = tokens[1];
        if (!_idIndex.ContainsKey(id))
        {
            Error(lineNumber, idColumn, $"'{id}' is freed but no line above allocates it; 'free ID' names an ID an earlier 'alloc' line gave");
            return;
        }

        int index = IndexOf(id);
        _state[index] = (0, lineNumber);
        _entries.Add(new OpScriptEntry(OpKind.Free, index, 0, 0));
    }

    // alloc_pfn PFN ORDER | free_pfn PFN ORDER | claim_pfn PFN ORDER MIGRATETYPE.
    private void ParsePfnVerb(List<(string Text, int Column)> tokens, int lineNumber)
    {
        string verb = tokens[0].Text;
        bool claim = verb == "claim_pfn";
        int want = claim ? 4 : 3;
        string usage = claim ? "'claim_pfn PFN ORDER MIGRATETYPE', e.g. 'claim_pfn 0x1200 3 Unmovable'" : $"'{verb} PFN ORDER', e.g. '{verb} 0x1200 3'";
        if (tokens.Count != want)
        {
            int column = tokens.Count > want ? tokens[want].Column : tokens[0].Column;
            Error(lineNumber, column, $"'{verb}' takes {want - 1} fields: {usage}");
            return;
        }

        (string pfnText, int pfnColumn) = tokens[1];
        if (!PfnBlocks.TryParsePfn(pfnText, out int pfn))
        {
            Error(lineNumber, pfnColumn, $"PFN '{pfnText}' is not a page frame number (decimal or 0x-hex, below 2^31)");
            return;
        }

        (string orderText, int orderColumn) = tokens[2];
        if (!int.TryParse(orderText, NumberStyles.None, CultureInfo.InvariantCulture, out int order) || order > MmConstants.MaxPageOrder)
        {
            Error(lineNumber, orderColumn, $"order '{orderText}' is not a whole number from 0 to {MmConstants.MaxPageOrder} (MAX_PAGE_ORDER)");
            return;
        }

        if (!claim && (pfn & ((1 << order) - 1)) != 0)
        {
            Error(lineNumber, pfnColumn, $"PFN {pfnText} is not a multiple of 2^{order}: a buddy block of order {order} starts at one");
            return;
        }

        uint mt = 0;
        if (claim)
        {
            (string mtText, int mtColumn) = tokens[3];
            int index = Array.IndexOf(MigrateTypes.Names, mtText);
            if (index < 0)
            {
                Error(lineNumber, mtColumn, $"migratetype '{mtText}' is not one of {string.Join(", ", MigrateTypes.Names)}");
                return;
            }

            mt = (uint)index;
        }

        switch (verb)
        {
            case "alloc_pfn":
                if (_pfnBlocks.Overlapping(pfn, order) is (int heldPfn, int heldOrder, int heldLine))
                {
                    Error(lineNumber, pfnColumn, string.Create(CultureInfo.InvariantCulture,
                        $"the block overlaps 0x{heldPfn:x} order {heldOrder}, still taken by line {heldLine}; free_pfn it first"));
                    return;
                }

                _pfnBlocks.Take(pfn, order, lineNumber);
                _entries.Add(new OpScriptEntry(OpKind.AllocPfn, pfn, (byte)order, 0));
                break;
            case "free_pfn":
                if (!_pfnBlocks.Release(pfn, order))
                {
                    Error(lineNumber, pfnColumn, $"no block taken by an 'alloc_pfn' line above (and not freed since) holds PFN {pfnText} order {order}");
                    return;
                }

                _entries.Add(new OpScriptEntry(OpKind.FreePfn, pfn, (byte)order, 0));
                break;
            default:
                _entries.Add(new OpScriptEntry(OpKind.ClaimPfn, pfn, (byte)order, mt));
                break;
        }
    }

    private int IndexOf(string id)
    {
        if (!_idIndex.TryGetValue(id, out int index))
        {
            index = _ids.Count;
            _ids.Add(id);
            _idIndex.Add(id, index);
            _state.Add((0, 0));
        }

        return index;
    }

    private void Error(int line, int column, string message)
    {
        if (_errors.Count >= errorsMax)
        {
            _errorsDropped++;
            return;
        }

        _errors.Add(new ScenarioError(file, line, column, string.Empty, message));
    }

    private static List<(string Text, int Column)> Tokenize(string code)
    {
        var tokens = new List<(string, int)>();
        int i = 0;
        while (i < code.Length)
        {
            if (char.IsWhiteSpace(code[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < code.Length && !char.IsWhiteSpace(code[i]))
            {
                i++;
            }

            tokens.Add((code[start..i], start + 1));
        }

        return tokens;
    }
}
