// The writeback designs' rules (issue 9) wired into the mechanisms that read them: migration's rule is
// passed to Migration at construction (LinuxKernel.cs); reclaim's and sync's are set here.
using MmSim.Mm.Vmscan;
using MmSim.Mm.Vmscan.Impl;
using MmSim.Mm.Writeback;

namespace MmSim.Kernel;

public sealed partial class LinuxKernel
{
    // shrink_folio_list's case-3 rule (flag: mainline; ask-fs: the owner decides) and sync(2)'s rule.
    private void WireWritebackDesign()
    {
        WritebackDesign design = Params.WritebackDesign;
        if (Reclaim is MainlineReclaim mainline)
        {
            mainline.WritebackPolicy = design.ReclaimWriteback == ReclaimWritebackMode.AskFs
                ? AskFsReclaimWritebackPolicy.Instance
                : KernelReclaimWritebackPolicy.Instance;
        }

        Fs.SyncWriteback = design.SyncWriteback;
    }
}
