using Handoff.Analysis.Manifests;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Model;

/// <summary>A Service port.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Port">The Service's port.</param>
/// <param name="TargetPort">The pod port (number or container port name); defaults to <paramref name="Port"/>.</param>
public sealed record ServicePort(string? Name, int Port, IntOrString TargetPort)
{
    /// <summary>spec.ports[].appProtocol (for example "http", "kubernetes.io/h2c"), or null.</summary>
    public string? AppProtocol { get; init; }

    /// <summary>spec.ports[].protocol; defaults to TCP.</summary>
    public string Protocol { get; init; } = "TCP";
}

/// <summary>A Service.</summary>
public sealed record Service(KubeObject Object, IReadOnlyDictionary<string, string> Selector, IReadOnlyList<ServicePort> Ports, string Type)
{
    /// <summary>Whether the Service selects pods (a Service without a selector uses hand-made endpoints).</summary>
    public bool HasSelector => Selector.Count > 0;

    /// <summary>spec.clusterIP as written, or null.</summary>
    public string? ClusterIP { get; init; }

    /// <summary>
    /// Whether the Service is headless (clusterIP: None): kube-proxy programs no rules for it and clients reach pod IPs
    /// through DNS records. https://kubernetes.io/docs/concepts/services-networking/service/#headless-services
    /// </summary>
    public bool IsHeadless => string.Equals(ClusterIP, "None", StringComparison.Ordinal);

    /// <summary>spec.externalTrafficPolicy as written ("Cluster" or "Local"), or null (Kubernetes' default is Cluster).</summary>
    public string? ExternalTrafficPolicy { get; init; }

    /// <summary>spec.healthCheckNodePort as written, or null (allocated by the API server for type LoadBalancer with policy Local).</summary>
    public int? HealthCheckNodePort { get; init; }

    /// <summary>Whether the Service is a cloud L4 load balancer (type LoadBalancer).</summary>
    public bool IsLoadBalancer => Type == "LoadBalancer";

    /// <summary>ServiceMonitors (monitoring.coreos.com) whose selector and namespace selector pick this Service.</summary>
    public IReadOnlyList<KubeObject> ServiceMonitors => ServiceMonitorsList;

    internal List<KubeObject> ServiceMonitorsList { get; } = [];
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
public sealed record Ingress(KubeObject Object, string? ClassName, IReadOnlyList<BackendRef> Backends)
{
    /// <summary>Where <see cref="EffectiveClassName"/> comes from.</summary>
    public IngressClassSource ClassSource { get; init; } = IngressClassSource.None;

    /// <summary>
    /// The class in force: spec.ingressClassName, else the legacy kubernetes.io/ingress.class annotation, else the
    /// IngressClass of the input marked ingressclass.kubernetes.io/is-default-class: "true", else null (the cluster's
    /// default, which the input does not show). https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class
    /// </summary>
    public string? EffectiveClassName { get; init; }
}

/// <summary>How an Ingress's class was found.</summary>
public enum IngressClassSource
{
    /// <summary>Nothing in the input names it.</summary>
    None,

    /// <summary>spec.ingressClassName.</summary>
    Spec,

    /// <summary>The legacy kubernetes.io/ingress.class annotation.</summary>
    Annotation,

    /// <summary>An IngressClass of the input marked as the default.</summary>
    DefaultIngressClass,
}

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
