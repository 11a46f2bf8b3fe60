using Handoff.Analysis.Manifests;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Model;

/// <summary>How a lifecycle hook or probe acts.</summary>
public enum HandlerKind
{
    /// <summary>Runs a command in the container.</summary>
    Exec,

    /// <summary>Sends an HTTP GET.</summary>
    HttpGet,

    /// <summary>Opens a TCP connection.</summary>
    TcpSocket,

    /// <summary>Calls the gRPC health service.</summary>
    Grpc,

    /// <summary>The kubelet sleeps (the native preStop action; beta and on by default since 1.30).</summary>
    Sleep,

    /// <summary>No recognised handler.</summary>
    None,
}

/// <summary>A probe's or hook's action.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Command">exec.command.</param>
/// <param name="Path">httpGet.path.</param>
/// <param name="Port">httpGet/tcpSocket/grpc port.</param>
/// <param name="SleepSeconds">sleep.seconds.</param>
/// <param name="Node">The handler's mapping.</param>
public sealed record Handler(HandlerKind Kind, IReadOnlyList<string> Command, string? Path, IntOrString? Port, int? SleepSeconds, YMap Node)
{
    /// <summary>A key that is equal for two handlers doing the same thing.</summary>
    public string Identity => Kind switch
    {
        HandlerKind.Exec => "exec:" + string.Join('\u0001', Command),
        HandlerKind.HttpGet => $"http:{Path ?? "/"}:{Port}",
        HandlerKind.TcpSocket => $"tcp:{Port}",
        HandlerKind.Grpc => $"grpc:{Port}",
        HandlerKind.Sleep => $"sleep:{SleepSeconds}",
        _ => "none",
    };

    /// <summary>A short description for messages ("httpGet /healthz on port 8080").</summary>
    public string Describe() => Kind switch
    {
        HandlerKind.Exec => $"exec [{string.Join(' ', Command)}]",
        HandlerKind.HttpGet => $"httpGet {Path ?? "/"} on port {Port}",
        HandlerKind.TcpSocket => $"tcpSocket on port {Port}",
        HandlerKind.Grpc => $"grpc on port {Port}",
        HandlerKind.Sleep => $"sleep {SleepSeconds} s",
        _ => "no handler",
    };
}

/// <summary>A container probe with the kubelet's defaults applied.</summary>
public sealed record Probe(Handler Handler, int InitialDelaySeconds, int PeriodSeconds, int TimeoutSeconds, int FailureThreshold, int SuccessThreshold, YMap Node)
{
    /// <summary>Kubernetes' default periodSeconds.</summary>
    public const int DefaultPeriodSeconds = 10;

    /// <summary>Kubernetes' default failureThreshold.</summary>
    public const int DefaultFailureThreshold = 3;

    /// <summary>How long a failing endpoint takes to trip the probe: period x failureThreshold.</summary>
    public int SecondsToTrip => PeriodSeconds * FailureThreshold;
}

/// <summary>A declared container port.</summary>
public sealed record ContainerPort(string? Name, int Number, string Protocol)
{
    /// <summary>ports[].hostPort, or null: a node can run only one pod binding it, which forbids a DaemonSet surge.</summary>
    public int? HostPort { get; init; }
}

/// <summary>A container with what the rules need.</summary>
public sealed record Container(
    string Name,
    string? Image,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string>? Args,
    IReadOnlyList<ContainerPort> Ports,
    Handler? PreStop,
    Probe? Readiness,
    Probe? Liveness,
    Probe? Startup,
    IReadOnlyDictionary<string, string> Env,
    bool IsNativeSidecar,
    YMap Node)
{
    /// <summary>Environment variables set with valueFrom (fieldRef, secretKeyRef, configMapKeyRef...), by name: their value is not in the manifest.</summary>
    public IReadOnlyList<string> EnvFrom { get; init; } = [];

    /// <summary>The port number a probe, hook or Service target port means in this container: the number, or the declared port of that name; null for a name it does not declare.</summary>
    public int? PortNumber(IntOrString port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return port.Int ?? Ports.FirstOrDefault(p => string.Equals(p.Name, port.String, StringComparison.Ordinal))?.Number;
    }

    /// <summary>Whether this container declares a port matching a Service's target port.</summary>
    public bool Exposes(IntOrString target) => target.Int is { } number
        ? Ports.Any(p => p.Number == number)
        : Ports.Any(p => string.Equals(p.Name, target.String, StringComparison.Ordinal));
}

/// <summary>A pod template (or a bare Pod's spec).</summary>
public sealed record PodTemplate(
    IReadOnlyList<Container> Containers,
    IReadOnlyList<Container> InitContainers,
    int? TerminationGracePeriodSeconds,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    YMap? TemplateNode,
    YMap? MetadataNode,
    YMap SpecNode)
{
    /// <summary>Kubernetes' default terminationGracePeriodSeconds.</summary>
    public const int DefaultGracePeriodSeconds = 30;

    /// <summary>The grace period in force.</summary>
    public int GracePeriodSeconds => TerminationGracePeriodSeconds ?? DefaultGracePeriodSeconds;

    /// <summary>spec.hostNetwork: the pod binds its ports on the node itself, so two cannot run on one node.</summary>
    public bool HostNetwork { get; init; }
}

/// <summary>A Deployment's, Rollout's or DaemonSet's update strategy (a DaemonSet's is spec.updateStrategy).</summary>
public sealed record UpdateStrategy(string Type, IntOrString? MaxSurge, IntOrString? MaxUnavailable, YMap? Node);

/// <summary>An object that runs pods: Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod, or Argo Rollout.</summary>
public sealed class Workload
{
    internal Workload(KubeObject obj, int? replicas, UpdateStrategy? strategy, int minReadySeconds, LabelSelector? selector, PodTemplate pod)
    {
        Object = obj;
        Replicas = replicas;
        Strategy = strategy;
        MinReadySeconds = minReadySeconds;
        Selector = selector;
        Pod = pod;
    }

    /// <summary>The object.</summary>
    public KubeObject Object { get; }

    /// <summary>Its kind.</summary>
    public string Kind => Object.Kind;

    /// <summary>Its name.</summary>
    public string Name => Object.Name;

    /// <summary>spec.replicas as written (null when absent; DaemonSets and Pods have none).</summary>
    public int? Replicas { get; }

    /// <summary>
    /// The fewest replicas that may run: an autoscaler's floor when one manages the workload (the HPA or KEDA keeps at
    /// least that many, whatever spec.replicas says, and may go down to it), else spec.replicas, else 1 (Kubernetes'
    /// default). May be 0 with KEDA.
    /// </summary>
    public int ReplicaFloor => Autoscaler?.Floor ?? Replicas ?? 1;

    /// <summary>The replica count rules and the rollout estimate work with: <see cref="ReplicaFloor"/>, at least 1.</summary>
    public int EffectiveReplicas => Math.Max(1, ReplicaFloor);

    /// <summary>The update strategy (Deployments, Rollouts and DaemonSets).</summary>
    public UpdateStrategy? Strategy { get; }

    /// <summary>spec.minReadySeconds (0 when absent).</summary>
    public int MinReadySeconds { get; }

    /// <summary>spec.selector.</summary>
    public LabelSelector? Selector { get; }

    /// <summary>The pod template.</summary>
    public PodTemplate Pod { get; }

    /// <summary>Services whose selector picks this workload's pods and that have ports.</summary>
    public IReadOnlyList<Service> Services => ServicesList;

    internal List<Service> ServicesList { get; } = [];

    /// <summary>PodDisruptionBudgets in the namespace selecting the pods.</summary>
    public IReadOnlyList<PodDisruptionBudget> DisruptionBudgets => DisruptionBudgetsList;

    internal List<PodDisruptionBudget> DisruptionBudgetsList { get; } = [];

    /// <summary>Ingresses routing to one of <see cref="Services"/>.</summary>
    public IReadOnlyList<Ingress> Ingresses => IngressesList;

    internal List<Ingress> IngressesList { get; } = [];

    /// <summary>HTTPRoutes routing to one of <see cref="Services"/>.</summary>
    public IReadOnlyList<HttpRoute> Routes => RoutesList;

    internal List<HttpRoute> RoutesList { get; } = [];

    /// <summary>The HorizontalPodAutoscaler or KEDA ScaledObject scaling it, if any.</summary>
    public Autoscaler? Autoscaler { get; internal set; }

    /// <summary>Whether the workload serves user traffic, and the evidence (each selecting Service and what it is for).</summary>
    public Serving Serving { get; internal set; } = Serving.None;

    /// <summary>Whether the workload serves user traffic: see <see cref="Serving"/> (not through a headless or metrics-only Service).</summary>
    public bool IsServing => Serving.IsServing;

    /// <summary>Whether it is a Deployment or an Argo Rollout (objects with a rolling update of replicas).</summary>
    public bool IsDeploymentLike => Kind is "Deployment" or "Rollout";

    /// <summary>Whether replicas apply (not a DaemonSet or a bare Pod).</summary>
    public bool HasReplicas => Kind is "Deployment" or "StatefulSet" or "ReplicaSet" or "ReplicationController" or "Rollout";

    /// <summary>The containers that receive the Services' traffic.</summary>
    /// <remarks>
    /// Those declaring a port a Service targets; when none declares one (ports are optional in a pod spec), the
    /// first container that is not a known proxy sidecar.
    /// </remarks>
    public IReadOnlyList<Container> ServingContainers => _serving ??= FindServingContainers();

    private IReadOnlyList<Container>? _serving;

    private List<Container> FindServingContainers()
    {
        if (!IsServing)
        {
            return [];
        }

        var targets = Serving.TrafficPorts.Select(p => p.TargetPort).ToList();
        var exposing = Pod.Containers.Where(c => targets.Exists(c.Exposes)).ToList();
        if (exposing.Count > 0)
        {
            return exposing;
        }

        var first = Pod.Containers.FirstOrDefault(c => !KnownSidecars.Contains(c.Name)) ?? (Pod.Containers.Count > 0 ? Pod.Containers[0] : null);
        return first is null ? [] : [first];
    }

    /// <summary>
    /// Whether a Service port carrying user traffic targets <paramref name="port"/> (a number or a name) of
    /// <paramref name="container"/>; null when it cannot be told (a name the container does not declare).
    /// </summary>
    public bool? ReceivesTraffic(Container container, IntOrString port)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(port);
        if (container.PortNumber(port) is not { } number)
        {
            return null;
        }

        return Serving.TrafficPorts.Any(p => container.PortNumber(p.TargetPort) == number);
    }

    /// <summary>Whether a container name is a well-known proxy or helper sidecar (istio-proxy, linkerd-proxy...).</summary>
    internal static bool IsKnownSidecar(string name) => KnownSidecars.Contains(name);

    private static readonly HashSet<string> KnownSidecars = new(StringComparer.Ordinal)
    {
        "istio-proxy", "linkerd-proxy", "envoy", "cloud-sql-proxy", "cloudsql-proxy", "oauth2-proxy",
    };

    /// <inheritdoc/>
    public override string ToString() => Object.Ref.ToString();
}
