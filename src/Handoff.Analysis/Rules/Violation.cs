using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Rules;

/// <summary>How far a <see cref="Supersession"/> reaches.</summary>
public enum SupersessionScope
{
    /// <summary>Any violation of the superseding rule on the same object.</summary>
    Object,

    /// <summary>A violation of the superseding rule on the same object and container.</summary>
    Container,
}

/// <summary>Another rule that, when it fires, says the same thing more precisely, so this rule's violation is dropped.</summary>
/// <param name="RuleId">The superseding rule.</param>
/// <param name="Scope">Which of its violations count.</param>
/// <param name="Reason">Why, one sentence ending with a period (docs/rules.md prints it).</param>
public sealed record Supersession(string RuleId, SupersessionScope Scope, string Reason);

/// <summary>
/// One rule broken at one place, as data: what is required and what is there (<see cref="Requirement"/>), the nodes
/// involved, and the observations a message cites. The finding's message (<see cref="Messages"/>), the fixer's edit and
/// the admission policy are all rendered from it; none of them works the requirement out again.
/// </summary>
/// <param name="Rule">The rule.</param>
/// <param name="Object">The object the violation is about (a workload, or a PodDisruptionBudget, a Service...); null for a violation in a Dockerfile (<see cref="Dockerfile"/>).</param>
/// <param name="Requirement">What the rule requires of which field, and what the field holds.</param>
public sealed record Violation(RuleDescriptor Rule, KubeObject? Object, Requirement Requirement)
{
    /// <summary>The Dockerfile instruction the violation is about, when it is in an image's build, not in a manifest.</summary>
    public DockerfileSite? Dockerfile { get; init; }

    /// <summary>Other objects the violation involves and its message names (the Service a health check belongs to, the autoscaler that owns the replica count).</summary>
    public IReadOnlyList<KubeObject> Related { get; init; } = [];

    /// <summary>The node the finding points to; null for the object itself.</summary>
    public YNode? At { get; init; }

    /// <summary>The container, when the violation is about one (or its message names one); the finding names it only when it points into the workload that runs the container, not into a Service or a policy.</summary>
    public Container? Container { get; init; }

    /// <summary>The workload the object belongs to (itself, or the workload a PodDisruptionBudget selects); null for objects outside workloads.</summary>
    public Workload? Workload { get; init; }

    /// <summary>Other nodes the requirement reads (the grace period next to a preStop sleep), for reports and policies.</summary>
    public IReadOnlyList<YNode> Nodes { get; init; } = [];

    /// <summary>What else the rule observed that the message cites (stop-listening time, exposure, replicas).</summary>
    public IReadOnlyList<Term> Observed { get; init; } = [];

    /// <summary>The profile whose numbers the requirement comes from, or null when no profile number is involved.</summary>
    public string? Profile { get; init; }

    /// <summary>The target Kubernetes version, when the requirement or its fix depends on it (the native sleep action needs 1.30+).</summary>
    public Handoff.Analysis.Timing.KubernetesVersion? Version { get; init; }

    /// <summary>What in the input shows the violation when it is not a field's value (the shell-less image family, a written percentage).</summary>
    public string? Evidence { get; init; }

    /// <summary>The severity, when the rule chose one other than its default for this case.</summary>
    public Severity? Severity { get; init; }

    /// <summary>A variant of the rule's message, when one rule reports distinct cases (HO103's shell-less image or shell present); null for the rule's single case.</summary>
    public string? Case { get; init; }

    /// <summary>The rules whose violations supersede this one (from the rule's descriptor).</summary>
    public IReadOnlyList<Supersession> SupersededBy => Rule.SupersededBy;

    /// <summary>The severity in force.</summary>
    public Severity EffectiveSeverity => Severity ?? Rule.Severity;

    /// <summary>The requirement a fix satisfies when it is not <see cref="Requirement"/> itself (HO105 requires preStop &lt; grace; its fix raises the grace period to S + D + B); null when it is.</summary>
    public Requirement? Remedy { get; init; }

    /// <summary>What a fixer writes: <see cref="Remedy"/>, else <see cref="Requirement"/>.</summary>
    public Requirement FixRequirement => Remedy ?? Requirement;

    /// <summary>A violation at an instruction of a Dockerfile.</summary>
    public static Violation InDockerfile(RuleDescriptor rule, DockerfileSite site, Requirement requirement) => new(rule, null, requirement) { Dockerfile = site };

    /// <summary>The finding reported for this violation, its message rendered by <see cref="Messages"/>.</summary>
    /// <exception cref="InvalidOperationException">The violation names neither an object nor a Dockerfile (a bug in the rule).</exception>
    public Finding ToFinding()
    {
        var (location, subject) = (Object, Dockerfile) switch
        {
            ({ } obj, _) => (obj.LocationOf(At), obj.Ref),
            (null, { } site) => (site.Location, site.Ref),
            _ => throw new InvalidOperationException($"A violation of {Rule.Id} names no object and no Dockerfile."),
        };
        var container = Workload is null || ReferenceEquals(Object, Workload.Object) ? Container?.Name : null;
        return new(Rule, EffectiveSeverity, Messages.Render(this), location, subject, container) { Violation = this };
    }
}

/// <summary>An instruction of a Dockerfile, where a violation about an image's build points.</summary>
/// <param name="File">The Dockerfile's display name.</param>
/// <param name="Instruction">The instruction.</param>
public sealed record DockerfileSite(string File, DockerInstruction Instruction)
{
    /// <summary>The instruction's place in the input.</summary>
    public SourceLocation Location => new(File, Instruction.Line, Instruction.Column);

    /// <summary>
    /// How a Dockerfile is named where findings name objects: kind "Dockerfile", its directory as the namespace and
    /// its file name as the name, so that text output reads "Dockerfile samples/docker/Dockerfile".
    /// </summary>
    public ObjectRef Ref
    {
        get
        {
            var directory = Path.GetDirectoryName(File);
            return new ObjectRef("Dockerfile", string.IsNullOrEmpty(directory) ? "." : directory.Replace('\\', '/'), Path.GetFileName(File));
        }
    }
}
