// Designs by name: the named sets of kernel switches (a release, a patch, a proposal) that a scenario
// selects with kernel.design and `mmsim compare` puts side by side. Owns the table of designs
// (Designs), the switches they set (KernelSwitches, one KernelSwitch declaration each), how a
// scenario's own switches override its design (SwitchOverrides), and the registries of mechanism
// implementations chosen by name (ImplRegistry, Mechanisms). Sits below Scenario, Runs and the CLI.
using MmSim.Mm.Writeback;

namespace MmSim.Kernel.Designs;

/// <summary>
/// Every design mmsim knows, one entry each, oldest first; the order of <c>mmsim designs</c> and of
/// the columns of <c>mmsim compare</c>.
/// </summary>
/// <remarks>
/// To add a design, add its entry to <see cref="All"/>: name, what it stands for, one line on what
/// it changes, and the switches it sets (the others keep their <see cref="KernelSwitches"/> defaults).
/// The table is checked when first used: unique, well-formed names; known releases; registered implementations.
/// </remarks>
public static class Designs
{
    /// <summary>The design of a scenario that names none.</summary>
    public const string DefaultName = "linux-6.18";

    /// <summary>Every design, oldest first.</summary>
    /// <remarks>Release designs leave <c>fallback</c> at <c>auto</c>: it follows the release, also when a scenario sets another one.</remarks>
    public static IReadOnlyList<Design> All { get; } = Checked(
    [
        new("linux-6.12", "Linux 6.12.0–6.12.28",
            "fallback by __rmqueue_fallback (steal the largest buddy, maybe claim its block); pre-6.16 proactive marks; no isolate bit",
            new KernelSwitches { Release = "6.12", Compaction = "mainline", Reclaim = "mainline" }),
        new("linux-6.15", "Linux 6.15 (FUSE temp pages, fs/fuse/file.c since 3be5a52b30aa)",
            "FUSE copies each dirty page into an unmovable order-0 temp page (NR_WRITEBACK_TEMP) and ends the folio's writeback once the request is queued; no AS flag; request timeouts",
            new KernelSwitches { Release = "6.15", Compaction = "mainline", Reclaim = "mainline" }),
        new("linux-6.16", "Linux 6.16 (0c58a97f919c fuse: remove tmp folio; 0c4f8ed498ce mm: skip folio reclaim in legacy memcg contexts)",
            "no temp pages: the folio stays under writeback until the server answers; the AS flag only skips the cgroup-v1 reclaim wait; MIGRATE_SYNC and sync(2) wait without bound",
            new KernelSwitches { Release = "6.16", Compaction = "mainline", Reclaim = "mainline" }),
        new("linux-6.18", "Linux 6.18 (allocator as since 6.15)",
            "fallback by __rmqueue_claim, then __rmqueue_steal of the smallest buddy (6.15); 6.16 proactive marks; isolate bit (6.17); FUSE as 6.16 with default writeback accounting (494d2f508883), write(2) through iomap (6.17)",
            new KernelSwitches { Release = "6.18", Compaction = "mainline", Reclaim = "mainline" }),

        // The proposals of the 2024–2025 thread: linux-6.16 plus their own switches (docs/designs.md).
        new("no-reclaim-flag", "linux-6.16 without 0c4f8ed498ce (v6 series without its 2/5)",
            "FUSE does not flag its mappings: cgroup-v1 limit reclaim may wait in case 3 on a folio only the server can finish (the deadlock)",
            Proposal(s => s with { FuseReclaimFlag = false })),
        new("skip-sync-migration", "v6 series 3/5 and 4/5 (20241122232359.429647-1-joannelkoong@gmail.com; 4d782bff5fa3 in mm-unstable, pulled Jan 2025)",
            "flagged folios under writeback fail migration with -EBUSY in every mode; wait_sb_inodes skips flagged mappings",
            Proposal(s => s with { MigrateWriteback = MigrateWritebackMode.SkipFlagged, SyncWriteback = SyncWritebackMode.SkipFlagged })),
        new("skip-sync-compaction", "proposal a) of 0ed5241e-10af-43ee-baaf-87a5b4dc9694@redhat.com (never written)",
            "only compaction's MIGRATE_SYNC (compact_memory, MR_COMPACTION) skips flagged folios; CMA, alloc_contig_range, offlining and the other MIGRATE_SYNC users still wait",
            Proposal(s => s with { MigrateWriteback = MigrateWritebackMode.SkipCompaction })),
        new("wait-timeout", "\"wait with timeout\", 446704ab-434e-45ac-a062-45fef78815e4@redhat.com (the seed; never written)",
            "MIGRATE_SYNC waits at most writeback_wait_timeout on a flagged folio, then fails it with -EBUSY; the callers' retries multiply it",
            Proposal(s => s with { MigrateWriteback = MigrateWritebackMode.Timeout })),
        new("cancel-writeback", "\"end writeback now … then redirty\" (David Hildenbrand; Miklos Szeredi on spliced pages; never written)",
            "after writeback_cancel_after of waiting, the filesystem ends the writeback and redirties the folio so migration goes on; refused while the request is copied or spliced",
            Proposal(s => s with { MigrateWriteback = MigrateWritebackMode.Cancel })),
        new("temp-pages-pool", "temp pages from a contiguous pool (Zi Yan, Bernd Schubert in the v6 thread; never built)",
            "FUSE copies into temp pages taken from a pool of fuse_temp_pool reserved at mount, so they do not scatter unmovable pages; writeback waits for a free pool page",
            Proposal(s => s with { FuseWriteback = FuseWritebackMode.TempPool })),
        new("ask-fs", "\"even *better*: ask the fs\", 0ed5241e-10af-43ee-baaf-87a5b4dc9694@redhat.com (never written)",
            "reclaim and migration ask the filesystem per folio whether waiting could deadlock (the waiter serves the request, or shares the server's memcg) and wait only when it could not; no AS flag",
            Proposal(s => s with { FuseReclaimFlag = false, MigrateWriteback = MigrateWritebackMode.AskFs, ReclaimWriteback = ReclaimWritebackMode.AskFs })),
    ]);

    /// <summary>The design every FUSE writeback proposal starts from.</summary>
    public const string ProposalBaseName = "linux-6.16";

    /// <summary>The names of <see cref="All"/>, in the same order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(d => d.Name)];

    /// <summary>The design of a scenario that names none (<see cref="DefaultName"/>).</summary>
    public static Design Default { get; } = Find(DefaultName)!;

    /// <summary>The design named <paramref name="name"/> (exact, case-sensitive), or null.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The design, or null.</returns>
    public static Design? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    /// <summary>The design named <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The design.</returns>
    /// <exception cref="ConfigurationException">No design has that name; the message is <see cref="UnknownMessage"/>.</exception>
    public static Design Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Find(name) ?? throw new ConfigurationException(UnknownMessage(name));
    }

    /// <summary>
    /// The switches of <paramref name="design"/> that differ from <see cref="ProposalBaseName"/>'s, both resolved (so
    /// <c>auto</c> compares as what the release gives): what <c>mmsim designs</c> and docs/designs.md list for it.
    /// </summary>
    /// <param name="design">A design.</param>
    /// <returns>Each differing switch with its value in the design and in linux-6.16, in <see cref="KernelSwitches.All"/> order.</returns>
    public static IReadOnlyList<(KernelSwitch Switch, string Value, string BaseValue)> ChangesFromProposalBase(Design design)
    {
        ArgumentNullException.ThrowIfNull(design);
        return design.Switches.Differences(Get(ProposalBaseName).Switches);
    }

    /// <summary>The one-line message for a name no design has.</summary>
    /// <param name="name">The unknown name.</param>
    /// <returns>"unknown design 'linux-6.19'; did you mean 'linux-6.18'?", or the known names when none is close.</returns>
    public static string UnknownMessage(string name)
    {
        string? close = Suggest.ClosestVersioned(name, Names);
        return close is null
            ? $"unknown design '{name}'; known designs: {string.Join(", ", Names)}"
            : $"unknown design '{name}'; did you mean '{close}'?";
    }

    // A proposal: linux-6.16's switches with its own changes.
    private static KernelSwitches Proposal(Func<KernelSwitches, KernelSwitches> change) =>
        change(new KernelSwitches { Release = "6.16", Compaction = "mainline", Reclaim = "mainline" });

    private static Design[] Checked(Design[] designs)
    {
        for (int i = 0; i < designs.Length; i++)
        {
            Design d = designs[i];
            if (designs.Take(i).Any(e => e.Name == d.Name))
            {
                throw new ConfigurationException($"two designs are named '{d.Name}'");
            }

            // Names go on command lines and in YAML unquoted: lower case, digits, dots and dashes.
            if (d.Name.Length == 0 || !char.IsAsciiLetterLower(d.Name[0]) || !d.Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
            {
                throw new ConfigurationException($"design name '{d.Name}' must start with a lower-case letter and hold only lower-case letters, digits, dots and dashes");
            }

            // Each switch must print as one of its words, and read back from it (a typo in an entry fails here).
            foreach (KernelSwitch s in KernelSwitches.All)
            {
                s.With(d.Switches, s.Text(d.Switches));
            }
        }

        return designs;
    }
}
