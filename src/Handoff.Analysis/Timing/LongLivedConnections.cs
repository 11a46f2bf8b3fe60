using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing.Providers;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Timing;

/// <summary>One thing in the input that shows a workload keeps long-lived connections (WebSockets, gRPC or HTTP/2 streams, long polls).</summary>
/// <param name="Protocol">What kind of connection it shows: "WebSocket", "gRPC", "HTTP/2", or "long-lived" when the sign does not say.</param>
/// <param name="Evidence">The sign in words, for messages: "Service 'chat' port 'ws' has appProtocol 'kubernetes.io/ws'".</param>
/// <param name="Source">The object it is written in.</param>
/// <param name="Node">The node it is written at, when there is one.</param>
public sealed record LongLivedSign(string Protocol, string Evidence, KubeObject Source, YNode? Node);

/// <summary>
/// Whether a workload serves long-lived connections, as far as the manifests show, decided once for check (HO111) and
/// explain. Such connections do not end by themselves when the pod stops, so they need a drain window of their own:
/// seed 001 gives WebSocket and long-poll services a grace period of 60 to 120 s ("long-lived connections need time to
/// drain"), against 45 to 60 s for a stateless HTTP service.
/// </summary>
/// <param name="Signs">What shows it (at least one unless the window is declared).</param>
/// <param name="DeclaredDrainSeconds">The drain window declared with 'handoff.dev/long-lived-drain-seconds', or null.</param>
public sealed record LongLivedConnections(IReadOnlyList<LongLivedSign> Signs, double? DeclaredDrainSeconds)
{
    /// <summary>The least grace period seed 001 gives a WebSocket or long-poll service.</summary>
    public const double SeedGraceFloorSeconds = 60;

    /// <summary>The most grace period seed 001 gives a WebSocket or long-poll service.</summary>
    public const double SeedGraceCeilingSeconds = 120;

    /// <summary>ingress-nginx's proxy-read-timeout and proxy-send-timeout when not set: 60 s.</summary>
    public const double NginxDefaultProxyTimeoutSeconds = 60;

    /// <summary>A Google Cloud backend service's timeout when not set: 30 s (for a WebSocket it is the connection's whole lifetime).</summary>
    public const double GkeDefaultBackendTimeoutSeconds = 30;

    /// <summary>
    /// The least raised proxy or load-balancer timeout that counts as a sign: 5 minutes. Timeouts raised less than that
    /// are usually for slow requests (reports, uploads); those raised for WebSockets go to an hour or more (ingress-nginx
    /// users are told 3600 s).
    /// </summary>
    public const double LongLivedTimeoutSeconds = 300;

    /// <summary>ingress-nginx: how long the proxy waits between two reads from the pod.</summary>
    public const string NginxProxyReadTimeout = "nginx.ingress.kubernetes.io/proxy-read-timeout";

    /// <summary>ingress-nginx: how long the proxy waits between two writes to the pod.</summary>
    public const string NginxProxySendTimeout = "nginx.ingress.kubernetes.io/proxy-send-timeout";

    /// <summary>ingress-nginx: the protocol to the pods (HTTP, HTTPS, GRPC, GRPCS...).</summary>
    public const string NginxBackendProtocol = "nginx.ingress.kubernetes.io/backend-protocol";

    /// <summary>AWS Load Balancer Controller: the target group's protocol version (HTTP1, HTTP2, GRPC).</summary>
    public const string AlbBackendProtocolVersion = AlbSettings.Prefix + "backend-protocol-version";

    /// <summary>Service appProtocol values that mean long-lived connections, and what they mean.</summary>
    /// <remarks>
    /// Kubernetes defines 'kubernetes.io/ws', 'kubernetes.io/wss' (WebSocket, RFC 6455) and 'kubernetes.io/h2c' (HTTP/2
    /// prior knowledge, used for gRPC in clear text); https://kubernetes.io/docs/concepts/services-networking/service/#application-protocol.
    /// 'grpc' and 'grpc-web' are the names Istio's explicit protocol selection reads.
    /// </remarks>
    private static readonly Dictionary<string, string> AppProtocols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kubernetes.io/ws"] = "WebSocket",
        ["kubernetes.io/wss"] = "WebSocket",
        ["kubernetes.io/h2c"] = "HTTP/2",
        ["grpc"] = "gRPC",
        ["grpc-web"] = "gRPC",
        ["kubernetes.io/grpc"] = "gRPC",
    };

    /// <summary>Port names that mean long-lived connections, alone or as a part between dashes ('grpc-api', 'chat-ws').</summary>
    private static readonly Dictionary<string, string> PortNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ws"] = "WebSocket",
        ["wss"] = "WebSocket",
        ["websocket"] = "WebSocket",
        ["websockets"] = "WebSocket",
        ["grpc"] = "gRPC",
    };

    /// <summary>Whether 'handoff.dev/long-lived-drain-seconds' declares the window.</summary>
    public bool Declared => DeclaredDrainSeconds is not null;

    /// <summary>
    /// The long-lived connections of a workload, or null when nothing shows any. A declared window of 0 says the
    /// workload has none, whatever its ports are named.
    /// </summary>
    public static LongLivedConnections? Of(Workload workload, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(model);
        var declared = HandoffAnnotations.Seconds(workload, HandoffAnnotations.LongLivedDrainSeconds);
        if (declared is <= 0)
        {
            return null;
        }

        var signs = new List<LongLivedSign>();
        foreach (var use in workload.Serving.Traffic)
        {
            ServiceSigns(use, signs);
        }

        foreach (var container in workload.ServingContainers)
        {
            foreach (var port in container.Ports.Where(p => ProtocolOfName(p.Name) is not null))
            {
                var node = (container.Node["ports"] as YSeq)?.Items.OfType<YMap>().FirstOrDefault(p => (p["name"] as YScalar)?.Value == port.Name);
                signs.Add(new LongLivedSign(ProtocolOfName(port.Name)!, $"container '{container.Name}' port '{port.Name}'", workload.Object, node?["name"] ?? container.Node));
            }
        }

        foreach (var ingress in workload.Ingresses)
        {
            IngressSigns(ingress, signs);
        }

        foreach (var alb in AlbSettings.Of(workload, model).Where(a => a.Flavor == AlbFlavor.Aws))
        {
            AlbSigns(alb, signs);
        }

        foreach (var route in workload.Routes.Where(r => r.Object.Kind == "GRPCRoute"))
        {
            signs.Add(new LongLivedSign("gRPC", $"GRPCRoute '{route.Object.Name}' routes to it", route.Object, null));
        }

        foreach (var backend in GkeBackends.Of(workload, model))
        {
            var timeout = (backend.BackendPolicy is null ? null : ProviderObjects.IntAt(backend.BackendPolicy, "spec", "default", "timeoutSec"))
                ?? (backend.BackendConfig is null ? null : ProviderObjects.IntAt(backend.BackendConfig, "spec", "timeoutSec"));
            if (timeout is { } raised && raised.Value >= LongLivedTimeoutSeconds)
            {
                signs.Add(new LongLivedSign("long-lived", $"{raised.Source.Kind} '{raised.Source.Name}' raises timeoutSec to {raised.Value} s (default {GkeDefaultBackendTimeoutSeconds} s)", raised.Source, raised.Node));
            }
        }

        var distinct = signs.DistinctBy(s => s.Evidence, StringComparer.Ordinal).ToList();
        return distinct.Count > 0 || declared is not null ? new LongLivedConnections(distinct, declared) : null;
    }

    /// <summary>The drain window the long-lived connections get after the app stops listening, for a budget.</summary>
    /// <remarks>
    /// The declared window, else what brings the grace period to seed 001's 60 s with the budget's stop-listening time
    /// and buffer; never less than the app's drain time D, which runs at the same time.
    /// </remarks>
    public double DrainSeconds(double stopListeningSeconds, double drainSeconds, double bufferSeconds) =>
        Math.Max(drainSeconds, DeclaredDrainSeconds ?? SeedGraceFloorSeconds - stopListeningSeconds - bufferSeconds);

    /// <summary>"WebSocket", "WebSocket and gRPC": the kinds of connection the signs show ("long-lived" when none names one).</summary>
    public string Protocols
    {
        get
        {
            var named = Signs.Select(s => s.Protocol).Where(p => p != "long-lived").Distinct(StringComparer.Ordinal).ToList();
            return named.Count == 0 ? "long-lived" : string.Join(" and ", named);
        }
    }

    private static void ServiceSigns(ServiceUse use, List<LongLivedSign> signs)
    {
        var service = use.Service;
        var portNodes = ProviderObjects.At(service.Object.Node, "spec", "ports") as YSeq;
        foreach (var port in use.TrafficPorts)
        {
            var index = service.Ports.ToList().IndexOf(port);
            var node = portNodes is not null && index >= 0 && index < portNodes.Items.Count ? portNodes.Items[index] : null;
            var name = port.Name ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (port.AppProtocol is { } app && AppProtocols.TryGetValue(app, out var protocol))
            {
                signs.Add(new LongLivedSign(protocol, $"Service '{service.Object.Name}' port '{name}' has appProtocol '{app}'", service.Object, ProviderObjects.At(node, "appProtocol") ?? node));
            }
            else if (ProtocolOfName(port.Name) is { } named)
            {
                signs.Add(new LongLivedSign(named, $"Service '{service.Object.Name}' port '{name}'", service.Object, node));
            }
        }
    }

    private static void IngressSigns(Ingress ingress, List<LongLivedSign> signs)
    {
        var obj = ingress.Object;
        foreach (var key in (string[])[NginxProxyReadTimeout, NginxProxySendTimeout])
        {
            if (ProviderObjects.Annotation(obj, key) is { } timeout
                && Kubernetes.Durations.ParseSeconds(timeout.Value) is { } seconds && seconds >= LongLivedTimeoutSeconds)
            {
                signs.Add(new LongLivedSign("long-lived", $"Ingress '{obj.Name}' raises '{key}' to {Rules.Text.Seconds(seconds)} (default {NginxDefaultProxyTimeoutSeconds} s)", obj, timeout.Node));
                break;
            }
        }

        if (ProviderObjects.Annotation(obj, NginxBackendProtocol) is { } nginx && nginx.Value.StartsWith("GRPC", StringComparison.OrdinalIgnoreCase))
        {
            signs.Add(new LongLivedSign("gRPC", $"Ingress '{obj.Name}' sets '{NginxBackendProtocol}: {nginx.Value}'", obj, nginx.Node));
        }
    }

    private static void AlbSigns(AlbSettings alb, List<LongLivedSign> signs)
    {
        var obj = alb.Ingress.Object;
        if (ProviderObjects.Annotation(obj, AlbBackendProtocolVersion) is { } version && string.Equals(version.Value, "GRPC", StringComparison.OrdinalIgnoreCase))
        {
            signs.Add(new LongLivedSign("gRPC", $"Ingress '{obj.Name}' sets '{AlbBackendProtocolVersion}: {version.Value}'", obj, version.Node));
        }

        // An idle timeout raised far above the default keeps quiet WebSockets open through the ALB.
        if (alb.IdleTimeout is { Node: not null } raised && raised.Value >= LongLivedTimeoutSeconds)
        {
            signs.Add(new LongLivedSign("long-lived", $"Ingress '{obj.Name}' raises the ALB idle timeout to {raised.Value} s (default {AlbSettings.DefaultIdleTimeoutSeconds} s)", obj, raised.Node));
        }
    }

    private static string? ProtocolOfName(string? name) =>
        name?.Split('-').Select(part => PortNames.GetValueOrDefault(part)).FirstOrDefault(p => p is not null);
}
