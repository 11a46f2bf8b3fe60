using System.Globalization;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Timing;

/// <summary>What kind of data plane keeps sending requests to a terminating pod.</summary>
public enum PlaneKind
{
    /// <summary>kube-proxy's iptables/IPVS/nftables rules for a Service's virtual IP.</summary>
    KubeProxy,

    /// <summary>An in-cluster ingress controller or Gateway data plane that routes to pod IPs (ingress-nginx, Envoy).</summary>
    IngressController,

    /// <summary>A cloud HTTP load balancer (GKE NEG backends, AWS ALB, Alibaba ALB).</summary>
    CloudL7,

    /// <summary>A cloud or bare-metal TCP/UDP load balancer behind a Service of type LoadBalancer (NLB, CLB, GKE L4, Azure, MetalLB).</summary>
    CloudL4,

    /// <summary>DNS answers and the caches that keep them (a headless Service's clients).</summary>
    Dns,
}

/// <summary>A latency that may be a range; verdicts use <see cref="MaxSeconds"/>, explain can show both ends.</summary>
/// <param name="MinSeconds">The fastest case, seconds.</param>
/// <param name="MaxSeconds">The slowest case, seconds (the number Handoff checks against).</param>
public readonly record struct Latency(double MinSeconds, double MaxSeconds)
{
    /// <summary>A latency with one value.</summary>
    public static Latency Exactly(double seconds) => new(seconds, seconds);

    /// <summary>Whether the two ends differ.</summary>
    public bool IsRange => MinSeconds < MaxSeconds;

    /// <summary>Reads "10", "10s", "1m", "5..10" or "5s..10s" (each end as <see cref="Kubernetes.Durations.ParseSeconds"/> reads it); false when the text is none of these or min &gt; max.</summary>
    public static bool TryParse(string? text, out Latency latency)
    {
        latency = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || !TryParseSeconds(parts[0], out var min))
        {
            return false;
        }

        var max = min;
        if (parts.Length == 2 && !TryParseSeconds(parts[1], out max))
        {
            return false;
        }

        if (min > max)
        {
            return false;
        }

        latency = new Latency(min, max);
        return true;
    }

    /// <summary>"10 s" or "5-10 s".</summary>
    public override string ToString() => IsRange
        ? string.Create(CultureInfo.InvariantCulture, $"{MinSeconds:0.###}-{MaxSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{MaxSeconds:0.###} s");

    private static bool TryParseSeconds(string text, out double seconds)
    {
        seconds = Kubernetes.Durations.ParseSeconds(text) ?? -1;
        return seconds >= 0;
    }
}

/// <summary>A data plane that keeps sending new requests to a terminating pod until its own update lands.</summary>
/// <param name="Name">A short label (13 characters at most: explain prints it as a row label), e.g. "kube-proxy", "GKE NEG".</param>
/// <param name="Kind">What kind of plane it is.</param>
/// <param name="Latency">How long after the pod starts terminating it stops sending new requests.</param>
/// <param name="Source">Where the number comes from (for a computed plane: which objects and fields gave it).</param>
public sealed record DataPlane(string Name, PlaneKind Kind, Latency Latency, string Source)
{
    /// <summary>The latency Handoff checks against: the slow end of <see cref="Latency"/>.</summary>
    public double PropagationSeconds => Latency.MaxSeconds;
}

/// <summary>
/// A relation a profile declares between the pod's timing and its load balancer's settings. Rules ask a profile for a
/// relation instead of its id, so a custom profile that declares one gets the rules that check it.
/// </summary>
/// <param name="Source">Where the relation comes from.</param>
public abstract record ProfileRelation(string Source)
{
    /// <summary>The name used in catalogue files (kebab-case).</summary>
    public abstract string Kind { get; }

    /// <summary>One sentence stating the relation with its numbers.</summary>
    public abstract string Describe();
}

/// <summary>GKE container-native load balancing: S &gt;= drainingTimeoutSec + the NEG detach time.</summary>
/// <param name="DetachSeconds">How long the NEG controller may take to detach an endpoint (60 s, seed 000).</param>
/// <param name="Plane">The name of the plane whose latency this relation computes per workload.</param>
/// <param name="Source">Where the relation comes from.</param>
public sealed record NegDrainingFormula(double DetachSeconds, string Plane, string Source) : ProfileRelation(Source)
{
    /// <summary>The catalogue name.</summary>
    public const string Name = "neg-draining-formula";

    /// <inheritdoc/>
    public override string Kind => Name;

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"preStop >= drainingTimeoutSec + {DetachSeconds:0.###} s (the '{Plane}' plane is that sum for each workload); drainingTimeoutSec set; the load balancer's health check requests the readiness path");
}

/// <summary>A load balancer that closes idle connections: S &lt; grace period &lt; its idle timeout.</summary>
/// <param name="DefaultIdleTimeoutSeconds">The idle timeout when the manifests set none (ALB: 60 s).</param>
/// <param name="Source">Where the relation comes from.</param>
public sealed record GraceBelowIdleTimeout(double DefaultIdleTimeoutSeconds, string Source) : ProfileRelation(Source)
{
    /// <summary>The catalogue name.</summary>
    public const string Name = "grace-below-idle-timeout";

    /// <inheritdoc/>
    public override string Kind => Name;

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"preStop < terminationGracePeriodSeconds < the idle timeout ({DefaultIdleTimeoutSeconds:0.###} s unless set)");
}

/// <summary>A target group that lets open requests finish for its deregistration delay: delay &gt;= the app's drain time.</summary>
/// <param name="DefaultDelaySeconds">The delay when the manifests set none (300 s for ELB target groups).</param>
/// <param name="Source">Where the relation comes from.</param>
public sealed record DeregistrationDelayCoversDrain(double DefaultDelaySeconds, string Source) : ProfileRelation(Source)
{
    /// <summary>The catalogue name.</summary>
    public const string Name = "deregistration-delay-covers-drain";

    /// <inheritdoc/>
    public override string Kind => Name;

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"deregistration_delay.timeout_seconds ({DefaultDelaySeconds:0.###} s unless set) >= the app's drain time");
}

/// <summary>
/// A Service of type LoadBalancer whose health check decides when a node (instance targets, externalTrafficPolicy
/// Local) or a pod (IP targets) stops getting traffic: after interval x unhealthy threshold.
/// </summary>
/// <param name="IntervalSeconds">The provider's default health-check interval.</param>
/// <param name="UnhealthyThreshold">The provider's default count of failed checks before a target is unhealthy.</param>
/// <param name="Plane">The name of the plane whose latency this relation computes per workload.</param>
/// <param name="Source">Where the defaults come from.</param>
public sealed record HealthCheckDeregistration(double IntervalSeconds, int UnhealthyThreshold, string Plane, string Source) : ProfileRelation(Source)
{
    /// <summary>The catalogue name.</summary>
    public const string Name = "health-check-deregistration";

    /// <inheritdoc/>
    public override string Kind => Name;

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"the '{Plane}' plane is health-check interval x unhealthy threshold ({IntervalSeconds:0.###} s x {UnhealthyThreshold} unless the Service's annotations set them) where the health check decides, else kube-proxy's");
}

/// <summary>The timing facts of one kind of cluster and load balancer: one catalogue entry.</summary>
/// <param name="Id">The name given to --profile.</param>
/// <param name="Title">A short human title.</param>
/// <param name="Planes">The data planes a request crosses, each with its latency.</param>
/// <param name="Summary">One sentence on what drives the numbers.</param>
/// <param name="Sources">Where the numbers come from (seed articles, vendor docs).</param>
public sealed record Profile(string Id, string Title, IReadOnlyList<DataPlane> Planes, string Summary, IReadOnlyList<string> Sources)
{
    /// <summary>The least S (preStop plus in-app delay) the profile asks for; null means the slowest plane's latency.</summary>
    public double? PreStopFloor { get; init; }

    /// <summary>The relations the profile declares (see <see cref="ProfileRelation"/>). Defaults to none.</summary>
    public IReadOnlyList<ProfileRelation> Relations { get; init; } = [];

    /// <summary>Where the entry was defined: "built-in", or the file and line of a configuration file.</summary>
    public string Origin { get; init; } = "built-in";

    /// <summary>The slowest plane's latency: the least preStop (or in-app delay) that closes the race, P.</summary>
    public double PropagationSeconds => Planes.Count == 0 ? 0 : Planes.Max(p => p.PropagationSeconds);

    /// <summary>The preStop floor in force: <see cref="PreStopFloor"/>, else <see cref="PropagationSeconds"/>.</summary>
    public double PreStopFloorSeconds => PreStopFloor ?? PropagationSeconds;

    /// <summary>The relation of type <typeparamref name="T"/> the profile declares, or null.</summary>
    public T? Relation<T>() where T : ProfileRelation => Relations.OfType<T>().FirstOrDefault();

    /// <summary>Whether the profile declares a relation of type <typeparamref name="T"/>.</summary>
    public bool Declares<T>() where T : ProfileRelation => Relation<T>() is not null;
}

/// <summary>What kind of fact a piece of inference evidence is.</summary>
public enum EvidenceKind
{
    /// <summary>An annotation on an object (<see cref="EvidenceFact.Field"/> is its key).</summary>
    Annotation,

    /// <summary>A field of an object (<see cref="EvidenceFact.Field"/> is its path, e.g. spec.ingressClassName).</summary>
    Field,

    /// <summary>An object whose reference (spec.targetRef, parentRefs) names the workload's Service.</summary>
    Reference,

    /// <summary>An object whose mere presence in the input decides.</summary>
    Presence,
}

/// <summary>One fact from the manifests that an inference relied on.</summary>
/// <param name="Kind">What kind of fact it is.</param>
/// <param name="Object">The object holding it.</param>
/// <param name="Field">The annotation key or field path (null for <see cref="EvidenceKind.Presence"/>).</param>
/// <param name="Value">The value read there (for a reference: what it names), or null.</param>
public sealed record EvidenceFact(EvidenceKind Kind, ObjectRef Object, string? Field = null, string? Value = null)
{
    /// <summary>The fact as a phrase: "Service 'shop/web' has annotation cloud.google.com/neg".</summary>
    public string Describe()
    {
        // Cluster-scoped objects have no namespace to show.
        var who = Object.Kind is "IngressClass" or "GatewayClass" or "Namespace" ? $"{Object.Kind} '{Object.Name}'" : $"{Object.Kind} '{Object.Namespace}/{Object.Name}'";
        return Kind switch
        {
            EvidenceKind.Annotation => Value is null ? $"{who} has annotation {Field}" : $"{who} has annotation {Field}: {Value}",
            EvidenceKind.Field => $"{who} has {Field} '{Value}'",
            EvidenceKind.Reference => $"{who} targets {Value} through {Field}",
            _ => $"{who} is in the input",
        };
    }
}

/// <summary>Why a profile is in force: how it was chosen and the facts that pointed to it.</summary>
/// <param name="How">"--profile", "inferred", "default" or "given".</param>
/// <param name="Facts">The facts from the manifests, in the order the inference used them.</param>
/// <param name="Note">A remark rendered after the facts (an alternative profile, why the default applies), or null.</param>
public sealed record ProfileEvidence(string How, IReadOnlyList<EvidenceFact> Facts, string? Note = null)
{
    /// <summary>Evidence for a profile chosen with --profile.</summary>
    public static ProfileEvidence Requested { get; } = new("--profile", []);

    /// <summary>Evidence for a profile handed to the budget directly (tests, callers that already chose).</summary>
    public static ProfileEvidence Given { get; } = new("given", []);

    /// <summary>Evidence from the given facts.</summary>
    public static ProfileEvidence Inferred(params EvidenceFact[] facts) => new("inferred", facts);

    /// <summary>The printed reason, rendered from the facts.</summary>
    public string Describe()
    {
        var facts = string.Join(" and ", Facts.Select(f => f.Describe()));
        return How switch
        {
            "--profile" => "chosen with --profile",
            "given" => "given",
            "default" => "default: " + (Note ?? "nothing linked to the workload points to a load balancer or ingress"),
            "per-workload" => Note ?? "chosen per workload",
            _ => Note is null ? facts : $"{facts} {Note}",
        };
    }
}

/// <summary>Which profile is in force, and why.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Evidence">How it was chosen and the facts behind it.</param>
public sealed record ProfileChoice(Profile Profile, ProfileEvidence Evidence)
{
    /// <summary>Why, as printed: "chosen with --profile", the facts that pointed to it, or the default.</summary>
    public string Reason => Evidence.Describe();
}
