namespace MmSim.Mm;

/// <summary>
/// Names a mechanism implementation (a class in some <c>X/Impl/</c> folder) so that a design or a
/// scenario can select it by that name, as Ramulator's <c>RAMULATOR_REGISTER_IMPLEMENTATION</c> does.
/// </summary>
/// <remarks>
/// The class must implement the mechanism's interface (<c>ICompact</c>, <c>IReclaim</c> …) and have a
/// public parameterless constructor. <c>MmSim.Kernel.Designs.ImplRegistry</c> finds every such class
/// once, when it is built; there is no central switch to edit when an implementation is added.
/// </remarks>
/// <param name="name">Name used in designs and scenarios: lower case, digits and dashes (<c>none</c>, <c>kswapd-classic</c>).</param>
/// <param name="description">One line on what the implementation does, for listings.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ImplAttribute(string name, string description) : Attribute
{
    /// <summary>Name used in designs and scenarios.</summary>
    public string Name { get; } = name;

    /// <summary>One line on what the implementation does.</summary>
    public string Description { get; } = description;
}
