// include/linux/oom.h: struct oom_control — one invocation of the OOM killer.
using MmSim.Mm.Memcontrol;

namespace MmSim.Mm.OomKill;

/// <summary>include/linux/oom.h: enum oom_constraint (one node without cpusets or mempolicies: none or memcg).</summary>
public enum OomConstraint
{
    /// <summary>CONSTRAINT_NONE: the whole machine is out of memory.</summary>
    None = 0,

    /// <summary>CONSTRAINT_MEMCG: a memory cgroup hit its limit.</summary>
    Memcg = 3,
}

/// <summary>One OOM invocation (struct oom_control): the request, the scope and the chosen victim.</summary>
public sealed class OomControl
{
    /// <summary>Creates the control of one invocation.</summary>
    /// <param name="gfp">The failing request's gfp mask.</param>
    /// <param name="order">Its order.</param>
    /// <param name="memcg">The cgroup at its limit for a memcg OOM, null for a global one.</param>
    public OomControl(GfpFlags gfp, int order, MemCgroup? memcg = null)
    {
        Gfp = gfp;
        Order = order;
        Memcg = memcg;
    }

    /// <summary>oc-&gt;gfp_mask.</summary>
    public GfpFlags Gfp { get; }

    /// <summary>oc-&gt;order.</summary>
    public int Order { get; }

    /// <summary>oc-&gt;memcg: non-null for a memcg OOM (is_memcg_oom).</summary>
    public MemCgroup? Memcg { get; }

    /// <summary>oc-&gt;constraint.</summary>
    public OomConstraint Constraint { get; internal set; }

    /// <summary>oc-&gt;totalpages: the memory the badness is a share of.</summary>
    public long TotalPages { get; internal set; }

    /// <summary>oc-&gt;chosen when it is a process (null: none, or the scan was aborted).</summary>
    public MmStruct? Chosen { get; internal set; }

    /// <summary>oc-&gt;chosen == (void *)-1UL: a victim of an earlier kill is still exiting, so nobody is killed.</summary>
    public bool Aborted { get; internal set; }

    /// <summary>oc-&gt;chosen_points.</summary>
    public long ChosenPoints { get; internal set; } = long.MinValue;

    /// <summary>A process was killed by this invocation (the victim, or the exiting current marked).</summary>
    public bool Killed { get; internal set; }
}
