using MmSim.Mm;
using MmSim.Sim;
using MmSim.Kernel.Designs;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Mm.Vmscan.Impl;

namespace MmSim.Tests.KernelDesigns;

/// <summary>Mechanism implementations registered by name: found once, created by name, refused precisely.</summary>
public class ImplRegistryTests
{
    [Fact]
    public void Compaction_and_reclaim_register_mainline_and_none()
    {
        Assert.Equal(["mainline", "none"], Mechanisms.Compaction.Names);
        Assert.Equal(["mainline", "none"], Mechanisms.Reclaim.Names);
        Assert.Equal(typeof(Mm.Vmscan.Impl.MainlineReclaim), Mechanisms.Reclaim.Get("mainline").Type);
        Assert.IsType<NoCompaction>(Mechanisms.Compaction.Create("none"));
        Assert.IsType<NoReclaim>(Mechanisms.Reclaim.Create("none"));
        Assert.Contains("COMPACT_SKIPPED", Mechanisms.Compaction.Entries[1].Description, StringComparison.Ordinal);
        Assert.Equal(typeof(MainlineCompaction), Mechanisms.Compaction.Get("mainline").Type);
    }

    [Fact]
    public void An_implementation_that_needs_the_kernel_is_created_with_its_dependencies_only()
    {
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => Mechanisms.Compaction.Create("mainline"));
        Assert.Contains("needs its dependencies (CompactDeps)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_create_gives_a_fresh_instance_for_its_run()
    {
        Assert.NotSame(Mechanisms.Compaction.Create("none"), Mechanisms.Compaction.Create("none"));
    }

    [Theory]
    [InlineData("nnone", "unknown reclaim implementation 'nnone'; did you mean 'none'?")]
    [InlineData("kswapd-classic", "unknown reclaim implementation 'kswapd-classic'; known: mainline, none")]
    public void An_unknown_name_is_refused_in_one_line(string name, string message)
    {
        Assert.Null(Mechanisms.Reclaim.Find(name));
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => Mechanisms.Reclaim.Create(name));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Only_attributed_implementations_of_the_interface_are_registered_sorted_by_name()
    {
        ImplRegistry<IReclaim> r = ImplRegistry<IReclaim>.FromTypes("reclaim", [typeof(Zeta), typeof(Alpha), typeof(Unnamed), typeof(NotReclaim), typeof(string)]);
        Assert.Equal(["alpha", "zeta"], r.Names);
        Assert.IsType<Alpha>(r.Create("alpha"));
        Assert.Equal("the first", r.Find("alpha")!.Description);
    }

    [Fact]
    public void Two_implementations_with_one_name_are_refused_when_the_registry_is_built()
    {
        ConfigurationException e = Assert.Throws<ConfigurationException>(() => ImplRegistry<IReclaim>.FromTypes("reclaim", [typeof(Alpha), typeof(AlphaAgain)]));
        Assert.Contains("two reclaim implementations are named 'alpha'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_name_or_a_missing_constructor_is_refused_when_the_registry_is_built()
    {
        ConfigurationException name = Assert.Throws<ConfigurationException>(() => ImplRegistry<IReclaim>.FromTypes("reclaim", [typeof(BadName)]));
        Assert.Contains("'Kswapd Classic' must be lower case", name.Message, StringComparison.Ordinal);
        ConfigurationException ctor = Assert.Throws<ConfigurationException>(() => ImplRegistry<IReclaim>.FromTypes("reclaim", [typeof(NeedsArgument)]));
        Assert.Contains("needs a public constructor taking nothing or one dependency record", ctor.Message, StringComparison.Ordinal);
    }

    private abstract class ReclaimBase : IReclaim
    {
        public IEnumerable<Wait> ShrinkNode(PageAllocator alloc, ScanControl sc) => [];

        public IEnumerable<Wait> TryToFreePages(PageAllocator alloc, ScanControl sc) => [];
    }

    [Impl("zeta", "the last")]
    private sealed class Zeta : ReclaimBase;

    [Impl("alpha", "the first")]
    private sealed class Alpha : ReclaimBase;

    [Impl("alpha", "a second alpha")]
    private sealed class AlphaAgain : ReclaimBase;

    private sealed class Unnamed : ReclaimBase;

    [Impl("not-reclaim", "implements nothing")]
    private sealed class NotReclaim;

    [Impl("Kswapd Classic", "bad name")]
    private sealed class BadName : ReclaimBase;

    [Impl("needs-argument", "neither a parameterless nor a one-dependency constructor")]
    private sealed class NeedsArgument(int pages, int batch) : ReclaimBase
    {
        public int Pages { get; } = pages + batch;
    }
}
