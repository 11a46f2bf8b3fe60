using Handoff.Analysis.Manifests;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Model;

/// <summary>A Service port.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Port">The Service's port.</param>
/// <param name="TargetPort">The pod port (number or container port name); defaults to <paramref name="Port"/>.</param>
public sealed record ServicePort(string? Name, int Port, IntOrString TargetPort);

/// <summary>A Service.</summary>
public sealed record Service(KubeObject Object, IReadOnlyDictionary<string, string> Selector, IReadOnlyList<ServicePort> Ports, string Type)
{
    /// <summary>Whether the Service selects pods (a Service without a selector uses hand-made endpoints).</summary>
    public bool HasSelector => Selector.Count > 0;
}

/// <summary>A PodDisruptionBudget.</summary>
/// <param name="Object">The object.</param>
/// <param name="Selector">spec.selector; null when not written.</param>
/// <param name="MinAvailable">spec.minAvailable.</param>
/// <param name="MaxUnavailable">spec.maxUnavailable.</param>
/// <param name="UnhealthyPodEvictionPolicy">spec.unhealthyPodEvictionPolicy as written (null: the default, IfHealthyBudget).</param>
public sealed record PodDisruptionBudget(KubeObject Object, LabelSelector? Selector, IntOrString? MinAvailable, IntOrString? MaxUnavailable, string? UnhealthyPodEvictionPolicy)
{
    /// <summary>Whether the budget can select any pod.</summary>
    /// <remarks>
    /// policy/v1: "A null selector will match no pods, while an empty ({}) selector will select all pods within the
    /// namespace" (PodDisruptionBudgetSpec API reference). policy/v1beta1 (removed in 1.25) matched no pods with an
    /// empty selector either.
    /// </remarks>
    public bool SelectsAny => Selector is not null && (!Selector.IsEmpty || Object.ApiVersion != "policy/v1beta1");

    /// <summary>Whether the budget selects pods with <paramref name="labels"/>.</summary>
    public bool Selects(IReadOnlyDictionary<string, string> labels) => SelectsAny && Selector!.Matches(labels);
}

/// <summary>A backend of an Ingress or route: a Service and a port.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="ServiceName">The Service's name.</param>
/// <param name="Port">Port number or name, when given.</param>
/// <param name="Node">Where the backend is written.</param>
public sealed record BackendRef(string Namespace, string ServiceName, IntOrString? Port, YNode Node);

/// <summary>An Ingress.</summary>
/// <param name="Object">The object.</param>
/// <param name="ClassName">spec.ingressClassName, else the kubernetes.io/ingress.class annotation.</param>
/// <param name="Backends">Every Service backend (default and per rule path).</param>
public sealed record Ingress(KubeObject Object, string? ClassName, IReadOnlyList<BackendRef> Backends);

/// <summary>A Gateway API HTTPRoute (or GRPCRoute).</summary>
public sealed record HttpRoute(KubeObject Object, IReadOnlyList<BackendRef> Backends);

/// <summary>A HorizontalPodAutoscaler or a KEDA ScaledObject: what keeps a workload's replica count, and its floor.</summary>
/// <param name="Object">The object.</param>
/// <param name="TargetKind">spec.scaleTargetRef.kind (a ScaledObject's defaults to Deployment).</param>
/// <param name="TargetName">spec.scaleTargetRef.name.</param>
/// <param name="MinReplicas">The floor as written (minReplicas, minReplicaCount or idleReplicaCount), or null.</param>
/// <param name="Floor">The fewest replicas the autoscaler keeps: as written, else its default (HPA 1, KEDA 0).</param>
/// <param name="FloorField">Where the floor comes from, for messages ("minReplicas", "minReplicaCount (KEDA's default 0)").</param>
public sealed record Autoscaler(KubeObject Object, string TargetKind, string TargetName, int? MinReplicas, int Floor, string FloorField)
{
    /// <summary>Whether this is a KEDA ScaledObject.</summary>
    public bool IsKeda => Object.Kind == "ScaledObject";
}
