namespace Handoff.Analysis.Rules;

/// <summary>A rule's identity and documentation, kept as data (docs/rules.md and SARIF are generated from it).</summary>
/// <param name="Id">Stable id, for example "HO104"; never renumbered.</param>
/// <param name="Name">Stable kebab-case name, for example "grace-period-too-short".</param>
/// <param name="Severity">Default severity.</param>
/// <param name="Category">Timing, Rollout, Probes, Image, Provider, or Network.</param>
/// <param name="Summary">When the rule fires, one sentence.</param>
/// <param name="Remediation">What to do, ending with a period.</param>
/// <param name="Sources">Where the facts behind the rule come from.</param>
public sealed record RuleDescriptor(
    string Id,
    string Name,
    Severity Severity,
    string Category,
    string Summary,
    string Remediation,
    IReadOnlyList<string> Sources)
{
    /// <summary>The name of the fixer that turns this rule's violations into edits (an <c>IFixer.Name</c>), or null when 'handoff fix' only advises.</summary>
    public string? Fixer { get; init; }

    /// <summary>Rules whose violations make this rule's violation redundant; the analyzer drops it when one of them fires.</summary>
    public IReadOnlyList<Supersession> SupersededBy { get; init; } = [];

    /// <summary>Which workloads and containers the rule is about (applied by the analyzer). Defaults to <see cref="RuleScope.ServingWorkload"/>.</summary>
    public RuleScope Scope { get; init; } = RuleScope.ServingWorkload;

    /// <summary>The anchor of the rule in docs/rules.md.</summary>
    public string DocsAnchor => $"{Id.ToLowerInvariant()}-{Name}";
}
