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
public sealed record PodDisruptionBudget(KubeObject Object, LabelSelector Selector, IntOrString? MinAvailable, IntOrString? MaxUnavailable);

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

/// <summary>A HorizontalPodAutoscaler.</summary>
public sealed record Autoscaler(KubeObject Object, string TargetKind, string TargetName, int? MinReplicas);
