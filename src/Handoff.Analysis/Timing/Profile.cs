using Handoff.Analysis.Model;

namespace Handoff.Analysis.Timing;

/// <summary>A data plane that keeps sending new requests to a terminating pod until its own update lands.</summary>
/// <param name="Name">For example "kube-proxy", "ingress-nginx", "GKE NEG".</param>
/// <param name="PropagationSeconds">How long after the pod starts terminating it stops sending new requests (upper estimate).</param>
/// <param name="Source">Where the number comes from.</param>
public sealed record DataPlane(string Name, double PropagationSeconds, string Source);

/// <summary>The timing facts of one kind of cluster and load balancer.</summary>
/// <param name="Id">The name given to --profile.</param>
/// <param name="Title">A short human title.</param>
/// <param name="Planes">The data planes a request crosses, each with its propagation latency.</param>
/// <param name="Summary">One sentence on what drives the numbers.</param>
/// <param name="Sources">Where the numbers come from (seed articles, vendor docs).</param>
public sealed record Profile(string Id, string Title, IReadOnlyList<DataPlane> Planes, string Summary, IReadOnlyList<string> Sources)
{
    /// <summary>
    /// Computes the planes for one workload when they depend on its objects (a GKE drainingTimeoutSec, an ALB
    /// deregistration delay); null means <see cref="Planes"/> for every workload.
    /// </summary>
    public Func<Workload, ClusterModel, IReadOnlyList<DataPlane>>? PlanesFor { get; init; }

    /// <summary>The slowest plane's latency: the least preStop (or in-app delay) that closes the race, P.</summary>
    public double PropagationSeconds => Planes.Count == 0 ? 0 : Planes.Max(p => p.PropagationSeconds);

    /// <summary>The planes in force for <paramref name="workload"/>.</summary>
    public IReadOnlyList<DataPlane> PlanesOf(Workload workload, ClusterModel model) => PlanesFor?.Invoke(workload, model) ?? Planes;
}

/// <summary>Which profile is in force, and why.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Reason">Why: "--profile", or what in the manifests pointed to it, or the default.</param>
public sealed record ProfileChoice(Profile Profile, string Reason);
