// What FUSE mounts are built with besides their MountSpec: the release, the design switches, the sysctls.
using MmSim.Mm.Writeback;

namespace MmSim.Fs.Fuse;

/// <summary>The kernel-wide settings a FUSE mount reads when it is mounted.</summary>
/// <param name="Release">The modelled release ("6.15", "6.18"…).</param>
/// <param name="Design">The writeback-design switches.</param>
/// <param name="Sysctl">fs.fuse sysctls.</param>
internal sealed record FuseEnv(string Release, WritebackDesign Design, FuseSysctl Sysctl);
