namespace MmSim.Kernel.Designs;

/// <summary>A named set of switches: one kernel release, or one patch or proposal, that runs can be compared under.</summary>
/// <param name="Name">The name scenarios and the command line use: <c>linux-6.12</c>.</param>
/// <param name="StandsFor">The kernel release or patch it stands for: <c>Linux 6.12.0–6.12.28</c>.</param>
/// <param name="Change">One line on what it changes, in kernel terms.</param>
/// <param name="Switches">Its switch values; <c>auto</c> values follow the release in force.</param>
public sealed record Design(string Name, string StandsFor, string Change, KernelSwitches Switches);
