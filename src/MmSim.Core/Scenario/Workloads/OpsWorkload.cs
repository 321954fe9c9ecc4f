namespace MmSim.Scenario;

/// <summary>Resolved <c>ops</c> workload: replays an op script.</summary>
/// <param name="File">Absolute path of the op script (<c>file</c>, written relative to the scenario's folder).</param>
/// <param name="Script">The parsed script, checked at load time.</param>
public sealed record OpsWorkloadConfig(string File, OpScript Script) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => OpsWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>ops</c> workload type.</summary>
internal sealed class OpsWorkloadType : WorkloadType
{
    public const string TypeName = "ops";

    public override string Name => TypeName;

    public override string Doc =>
        "Replays an op script, one operation per line: `alloc ID ORDER GFP` allocates 2^ORDER pages with the GFP mask "
        + "(kernel names joined by `|`) and names the block ID; `free ID` frees it; the buddy-level lines `alloc_pfn`, "
        + "`free_pfn` and `claim_pfn` act on the free lists at a PFN (see Op scripts below). `#` starts a comment. The script is "
        + "parsed and checked (orders, GFP names, frees of unknown or already freed IDs or PFN blocks) when the scenario loads.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new()
        {
            Name = "file", Kind = FieldKind.Path, Required = true,
            Doc = "op script, relative to the scenario file's folder",
            Get = FieldDecl.Of<OpsWorkloadConfig>(c => c.File),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        string full = values.Get<string>("file");
        string shown = ctx.NameForMessages(Path.GetRelativePath(ctx.BaseDirectory, full));
        var errors = new List<ScenarioError>();
        OpScript? script = OpScript.ParseFile(full, shown, errors);
        ctx.AddForeign(errors, values.PathOf("file"));
        return script is null ? null : new OpsWorkloadConfig(full, script);
    }
}
