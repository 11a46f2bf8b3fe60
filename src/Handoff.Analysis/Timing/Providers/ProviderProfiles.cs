using Handoff.Analysis.Model;

namespace Handoff.Analysis.Timing.Providers;

/// <summary>
/// Profiles for cloud load balancers and ingress data planes, and the inferences that pick one from the
/// manifests. Numbers and sources: docs/timing-model.md, "Provider profiles".
/// </summary>
public static class ProviderProfiles
{
    /// <summary>GKE's stated worst case for removing an endpoint from a NEG (seed 000).</summary>
    public const double NegDetachSeconds = 60;

    /// <summary>The AWS ALB propagation Handoff assumes: the 40 s preStop that ended seed 004's 5xx errors.</summary>
    public const double AwsAlbDeregistrationSeconds = 40;

    /// <summary>Alibaba Cloud's ALB Ingress reconcile time: the 10 s preStop of Alibaba's guide (seed 003).</summary>
    public const double AlibabaAlbReconcileSeconds = 10;

    /// <summary>ingress-nginx: EndpointSlice watch, sync queue (0.3 syncs/s), Lua balancer sync (every 1 s), plus headroom.</summary>
    public const double IngressNginxSeconds = 10;

    /// <summary>A Gateway data plane: control plane debounce (Istio's PILOT_DEBOUNCE_MAX is 10 s) and xDS push.</summary>
    public const double GatewaySeconds = 10;

    private const string Seed000 = "seed 000: GKE NEG removal up to ~60 s; preStop >= drainingTimeoutSec + 60 (docs/timing-model.md)";
    private const string Seed001 = "seed 001: endpoint propagation by cluster size (docs/timing-model.md)";
    private const string Seed003 = "seed 003: Alibaba Cloud ALB Ingress guide, preStop sleep 10, grace 45 (docs/timing-model.md)";
    private const string Seed004 = "seed 004: EKS with AWS ALB, preStop 40 < grace 50 < ALB idle timeout 60 (docs/timing-model.md)";

    // Plane names stay short (13 characters at most): 'explain' prints them as row labels.
    private static readonly DataPlane KubeProxy = new("kube-proxy", 10, Seed001);

    /// <summary>GKE container-native load balancing (NEGs) behind Ingress or Gateway.</summary>
    public static Profile GkeNeg { get; } = new(
        "gke-neg", "GKE container-native load balancing (NEG)",
        [KubeProxy, new DataPlane("GKE NEG", NegDetachSeconds, Seed000)],
        "The NEG controller can take up to 60 s to detach a terminating pod, and the load balancer keeps in-flight requests for drainingTimeoutSec after that; Google's formula is preStop >= drainingTimeoutSec + 60 s.",
        [Seed000,
            "https://cloud.google.com/kubernetes-engine/docs/concepts/container-native-load-balancing",
            "https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#connection_draining",
            "https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#configure_connection_draining",
            "https://cloud.google.com/load-balancing/docs/enabling-connection-draining"])
    {
        PlanesFor = (workload, model) =>
        {
            var backends = GkeBackends.Of(workload, model);
            if (backends.Count == 0)
            {
                return [KubeProxy];
            }

            var draining = backends.Max(b => b.DrainingTimeout?.Value ?? 0);
            return
            [
                KubeProxy,
                new DataPlane("GKE NEG", NegDetachSeconds + draining,
                    $"seed 000: NEG removal up to 60 s + drainingTimeoutSec {draining} s"),
            ];
        },
    };

    /// <summary>The AWS Load Balancer Controller with an Application Load Balancer.</summary>
    public static Profile AwsAlb { get; } = new(
        "aws-alb", "AWS Application Load Balancer (AWS Load Balancer Controller)",
        [KubeProxy, new DataPlane("AWS ALB", AwsAlbDeregistrationSeconds, Seed004)],
        "The controller deregisters a terminating pod's target and the ALB keeps sending to it for tens of seconds; keep preStop < grace < the ALB idle timeout (60 s by default).",
        [Seed004,
            "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/",
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#deregistration-delay",
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout",
            "https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/2366"]);

    /// <summary>Alibaba Cloud's ALB Ingress controller.</summary>
    public static Profile AlibabaAlb { get; } = new(
        "alibaba-alb", "Alibaba Cloud ALB Ingress",
        [KubeProxy, new DataPlane("Alibaba ALB", AlibabaAlbReconcileSeconds, Seed003)],
        "The ALB Ingress controller removes a terminating pod from the backend server group after a reconcile; Alibaba's guide sleeps 10 s in preStop with a 45 s grace period.",
        [Seed003, "https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/use-prestop-hooks-to-enable-seamless-pod-termination"]);

    /// <summary>ingress-nginx (the Kubernetes community controller).</summary>
    public static Profile IngressNginx { get; } = new(
        "ingress-nginx", "ingress-nginx",
        [KubeProxy, new DataPlane("ingress-nginx", IngressNginxSeconds, "ingress-nginx: --sync-rate-limit 0.3/s and Lua balancer sync every 1 s (docs/timing-model.md)")],
        "ingress-nginx drops a terminating endpoint at its next sync (at most 0.3 syncs per second) and its Lua balancer picks the change up within 1 s; Handoff allows 10 s like small-cluster kube-proxy.",
        ["https://kubernetes.github.io/ingress-nginx/user-guide/cli-arguments/",
            "https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer.lua",
            "https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/"]);

    /// <summary>A Gateway API implementation (Envoy Gateway, Istio, Cilium...) programming Envoy through xDS.</summary>
    public static Profile Gateway { get; } = new(
        "gateway", "Gateway API (Envoy-based data planes)",
        [KubeProxy, new DataPlane("Gateway xDS", GatewaySeconds, "Gateway control planes debounce and push xDS; Istio's PILOT_DEBOUNCE_MAX is 10 s (docs/timing-model.md)")],
        "The Gateway's control plane watches EndpointSlices and pushes the change to Envoy over xDS after a debounce; Envoy Gateway 1.3+ keeps routing to terminating endpoints that still pass readiness.",
        ["https://istio.io/latest/docs/reference/commands/pilot-discovery/",
            "https://github.com/envoyproxy/gateway/pull/4946",
            "https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions"]);

    /// <summary>The provider profiles in the order --profile lists them.</summary>
    public static IReadOnlyList<Profile> All { get; } = [GkeNeg, AwsAlb, AlibabaAlb, IngressNginx, Gateway];

    /// <summary>The inferences, most specific first: GKE, the ALBs, ingress-nginx, then any Gateway API route.</summary>
    public static IReadOnlyList<Func<ClusterModel, ProfileChoice?>> Inferences { get; } = [InferGke, InferAlb, InferIngressNginx, InferGateway];

    private static ProfileChoice? InferGke(ClusterModel model)
    {
        foreach (var service in model.Services)
        {
            foreach (var key in (string[])[GkeBackends.NegAnnotation, GkeBackends.BackendConfigAnnotation, GkeBackends.BetaBackendConfigAnnotation])
            {
                if (service.Object.Annotations.ContainsKey(key))
                {
                    return new ProfileChoice(GkeNeg, $"Service '{service.Object.Namespace}/{service.Object.Name}' has annotation {key}");
                }
            }
        }

        foreach (var (kind, group) in (ReadOnlySpan<(string, string)>)[("BackendConfig", GkeBackends.BackendConfigGroup), ("GCPBackendPolicy", GkeBackends.PolicyGroup), ("HealthCheckPolicy", GkeBackends.PolicyGroup)])
        {
            if (model.OfKind(kind, group).FirstOrDefault() is { } obj)
            {
                return new ProfileChoice(GkeNeg, $"{kind} '{obj.Namespace}/{obj.Name}' is a GKE load balancer setting");
            }
        }

        foreach (var gateway in model.OfKind("Gateway", "gateway.networking.k8s.io"))
        {
            if (ProviderObjects.StringAt(gateway, "spec", "gatewayClassName")?.Value is { } cls && cls.StartsWith("gke-l7", StringComparison.Ordinal))
            {
                return new ProfileChoice(GkeNeg, $"Gateway '{gateway.Namespace}/{gateway.Name}' uses GKE's GatewayClass '{cls}'");
            }
        }

        return model.Ingresses.FirstOrDefault(i => i.ClassName is "gce" or "gce-internal") is { } ingress
            ? new ProfileChoice(GkeNeg, $"Ingress '{ingress.Object.Namespace}/{ingress.Object.Name}' has class '{ingress.ClassName}'")
            : null;
    }

    private static ProfileChoice? InferAlb(ClusterModel model)
    {
        foreach (var ingress in model.Ingresses)
        {
            if (AlbSettings.FlavorOf(ingress, model) is not { } flavor)
            {
                continue;
            }

            var name = $"Ingress '{ingress.Object.Namespace}/{ingress.Object.Name}'";
            var why = ingress.ClassName == "alb" ? $"{name} has class 'alb'" : $"{name} has {AlbSettings.Prefix}* annotations";
            if (flavor == AlbFlavor.Alibaba)
            {
                var evidence = AlbSettings.IngressClassController(model, ingress.ClassName) == "ingress.k8s.alibabacloud/alb"
                    ? $"its IngressClass '{ingress.ClassName}' has controller ingress.k8s.alibabacloud/alb"
                    : model.OfKind("AlbConfig", "alibabacloud.com").Any() ? "the input has an Alibaba Cloud AlbConfig" : $"it has annotation {AlbSettings.HealthCheckEnabled}";
                return new ProfileChoice(AlibabaAlb, $"{why} and {evidence}");
            }

            var aws = AlbSettings.IngressClassController(model, ingress.ClassName) == "ingress.k8s.aws/alb"
                ? $"{why} and its IngressClass has controller ingress.k8s.aws/alb"
                : $"{why}; Alibaba Cloud's ALB Ingress uses the same class, so pass --profile alibaba-alb there";
            return new ProfileChoice(AwsAlb, aws);
        }

        return null;
    }

    private static ProfileChoice? InferIngressNginx(ClusterModel model)
    {
        foreach (var ingress in model.Ingresses)
        {
            var name = $"Ingress '{ingress.Object.Namespace}/{ingress.Object.Name}'";
            if (ingress.ClassName == "nginx")
            {
                return new ProfileChoice(IngressNginx, $"{name} has class 'nginx'");
            }

            if (AlbSettings.IngressClassController(model, ingress.ClassName) == "k8s.io/ingress-nginx")
            {
                return new ProfileChoice(IngressNginx, $"{name} has IngressClass '{ingress.ClassName}' with controller k8s.io/ingress-nginx");
            }

            if (ingress.Object.Annotations.Keys.FirstOrDefault(k => k.StartsWith("nginx.ingress.kubernetes.io/", StringComparison.Ordinal)) is { } key)
            {
                return new ProfileChoice(IngressNginx, $"{name} has annotation {key}");
            }
        }

        return null;
    }

    private static ProfileChoice? InferGateway(ClusterModel model) =>
        model.Routes is { Count: > 0 } routes && routes[0] is var route
            ? new ProfileChoice(Gateway, $"{route.Object.Kind} '{route.Object.Namespace}/{route.Object.Name}' routes through a Gateway")
            : null;
}
