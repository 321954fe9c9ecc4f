using MmSim.Kernel;
using MmSim.Sim;

namespace MmSim.Tests.Support;

/// <summary>Runs a kernel path from a test, outside any task (it must not sleep), and returns its result.</summary>
internal static class KernelPaths
{
    /// <summary>Runs <paramref name="path"/> to its end at once and returns <c>current</c>'s <c>Ret</c>.</summary>
    /// <param name="kernel">The kernel whose boot context runs it.</param>
    /// <param name="path">A kernel coroutine (a fault, a read…).</param>
    /// <returns>What the path left in <see cref="Mm.TaskContext.Ret"/>.</returns>
    public static int RunAtomic(this LinuxKernel kernel, IEnumerable<Wait> path)
    {
        Coroutines.RunInline(path);
        return kernel.Current.Ret;
    }
}
