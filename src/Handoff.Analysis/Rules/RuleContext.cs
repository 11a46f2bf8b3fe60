using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Rules;

/// <summary>Everything a rule may look at.</summary>
public sealed class RuleContext
{
    internal RuleContext(ClusterModel model, ProfileChoice profile, KubernetesVersion version, IReadOnlyList<TimeBudget> budgets)
    {
        Model = model;
        Profile = profile;
        Version = version;
        Budgets = budgets;
    }

    /// <summary>The linked objects.</summary>
    public ClusterModel Model { get; }

    /// <summary>The profile of the whole run (--profile, or the one every workload got); each workload's own is on its budget.</summary>
    public ProfileChoice Profile { get; }

    /// <summary>The target Kubernetes version (--k8s-version).</summary>
    public KubernetesVersion Version { get; }

    /// <summary>One budget per workload, in model order.</summary>
    public IReadOnlyList<TimeBudget> Budgets { get; }

    /// <summary>The finding of a violation, its message rendered by <see cref="Messages"/>.</summary>
    public static Finding Report(Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return violation.ToFinding();
    }
}

/// <summary>A rule's view of one workload.</summary>
public sealed class WorkloadContext
{
    private readonly RuleDescriptor _rule;

    internal WorkloadContext(RuleContext context, TimeBudget budget, RuleDescriptor rule)
    {
        Context = context;
        Budget = budget;
        _rule = rule;
    }

    /// <summary>The whole context.</summary>
    public RuleContext Context { get; }

    /// <summary>The workload's budget.</summary>
    public TimeBudget Budget { get; }

    /// <summary>The workload.</summary>
    public Workload Workload => Budget.Workload;

    /// <summary>The profile in force.</summary>
    public Profile Profile => Budget.Profile.Profile;

    /// <summary>The target Kubernetes version.</summary>
    public KubernetesVersion Version => Context.Version;

    /// <summary>Starts a violation of this context's rule on this workload, to be completed with <c>with { ... }</c>.</summary>
    public Violation Violation(Requirement requirement, YNode? at, Container? container = null) =>
        new(_rule, Workload.Object, requirement) { At = at, Container = container, Workload = Workload };

    /// <summary>The finding of a violation of this context's rule.</summary>
    /// <exception cref="ArgumentException">The violation is another rule's (a bug in the rule).</exception>
    public Finding Report(Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return violation.Rule == _rule ? violation.ToFinding() : throw new ArgumentException($"A violation of {violation.Rule.Id} reported by {_rule.Id}.", nameof(violation));
    }
}
