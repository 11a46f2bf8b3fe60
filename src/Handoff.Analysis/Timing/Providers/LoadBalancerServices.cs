using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Timing.Providers;

/// <summary>Which load balancer implements a Service of type LoadBalancer.</summary>
public enum LoadBalancerProvider
{
    /// <summary>An AWS Network Load Balancer (AWS Load Balancer Controller, or the in-tree provider with type nlb).</summary>
    AwsNlb,

    /// <summary>An AWS Classic Load Balancer (the in-tree provider's default).</summary>
    AwsClb,

    /// <summary>A GKE passthrough Network Load Balancer.</summary>
    Gke,

    /// <summary>An Azure Load Balancer.</summary>
    Azure,

    /// <summary>MetalLB.</summary>
    MetalLb,

    /// <summary>No annotation says which.</summary>
    Unknown,
}

/// <summary>A Service of type LoadBalancer and the settings that decide when it stops sending to a pod or node.</summary>
/// <param name="Service">The Service.</param>
/// <param name="Provider">Which load balancer, by its annotations or class.</param>
/// <param name="Fact">The field or annotation that decided <paramref name="Provider"/> (spec.type when nothing else did).</param>
public sealed record LoadBalancerService(Service Service, LoadBalancerProvider Provider, EvidenceFact Fact)
{
    /// <summary>The AWS annotation prefix (in-tree provider and AWS Load Balancer Controller).</summary>
    public const string AwsPrefix = "service.beta.kubernetes.io/aws-load-balancer-";

    /// <summary>nlb (in-tree), external or nlb-ip (AWS Load Balancer Controller).</summary>
    public const string AwsType = AwsPrefix + "type";

    /// <summary>ip or instance (AWS Load Balancer Controller; instance by default).</summary>
    public const string AwsNlbTargetType = AwsPrefix + "nlb-target-type";

    /// <summary>The AWS health-check interval, seconds.</summary>
    public const string AwsInterval = AwsPrefix + "healthcheck-interval";

    /// <summary>The AWS unhealthy threshold.</summary>
    public const string AwsUnhealthyThreshold = AwsPrefix + "healthcheck-unhealthy-threshold";

    /// <summary>Target group attributes, including deregistration_delay.timeout_seconds (AWS Load Balancer Controller).</summary>
    public const string AwsTargetGroupAttributes = AwsPrefix + "target-group-attributes";

    /// <summary>The AWS Load Balancer Controller's loadBalancerClass.</summary>
    public const string AwsNlbClass = "service.k8s.aws/nlb";

    /// <summary>The Azure annotation prefix.</summary>
    public const string AzurePrefix = "service.beta.kubernetes.io/azure-";

    /// <summary>The Azure probe interval, seconds.</summary>
    public const string AzureInterval = "service.beta.kubernetes.io/azure-load-balancer-health-probe-interval";

    /// <summary>The Azure count of failed probes.</summary>
    public const string AzureProbes = "service.beta.kubernetes.io/azure-load-balancer-health-probe-num-of-probe";

    /// <summary>
    /// The in-tree AWS provider's NLB health-check interval (30 s; the controller's default is 10 s):
    /// kubernetes/cloud-provider-aws, pkg/providers/v1/aws_loadbalancer.go, defaultNlbHealthCheckInterval.
    /// </summary>
    public const int InTreeNlbIntervalSeconds = 30;

    private static readonly string[] GkeAnnotations =
    [
        "cloud.google.com/l4-rbs", "networking.gke.io/load-balancer-type", "cloud.google.com/load-balancer-type",
        "networking.gke.io/internal-load-balancer-allow-global-access", "networking.gke.io/internal-load-balancer-subnet",
    ];

    /// <summary>Whether spec.externalTrafficPolicy is Local (the load balancer's health check then decides per node).</summary>
    public bool LocalTrafficPolicy => ProviderObjects.StringAt(Service.Object, "spec", "externalTrafficPolicy")?.Value == "Local";

    /// <summary>spec.healthCheckNodePort when written (the API server allocates one for Local when absent).</summary>
    public Located<int>? HealthCheckNodePort => ProviderObjects.IntAt(Service.Object, "spec", "healthCheckNodePort");

    /// <summary>Whether the AWS NLB's targets are pod IPs (nlb-target-type ip, or type nlb-ip) rather than nodes.</summary>
    public bool IpTargets => Provider == LoadBalancerProvider.AwsNlb
        && (Annotation(AwsNlbTargetType)?.Value == "ip" || Annotation(AwsType)?.Value == "nlb-ip");

    /// <summary>Whether the in-tree AWS provider (not the controller) makes this NLB: type nlb without a loadBalancerClass.</summary>
    public bool InTreeNlb => Provider == LoadBalancerProvider.AwsNlb && Annotation(AwsType)?.Value == "nlb"
        && ProviderObjects.StringAt(Service.Object, "spec", "loadBalancerClass") is null;

    /// <summary>
    /// Whether the load balancer's health check decides when traffic stops: IP targets (the pod is the target), or
    /// externalTrafficPolicy Local (the node's health-check node port fails once it has no ready pod). With Cluster and
    /// node targets every node stays healthy and kube-proxy forwards, so kube-proxy's plane decides.
    /// </summary>
    public bool HealthCheckDecides => Provider != LoadBalancerProvider.MetalLb && (IpTargets || LocalTrafficPolicy);

    /// <summary>The health-check interval set on the Service, or null (the provider's default applies).</summary>
    public Located<int>? Interval => Provider switch
    {
        LoadBalancerProvider.AwsNlb or LoadBalancerProvider.AwsClb => Seconds(AwsInterval),
        LoadBalancerProvider.Azure => Seconds(AzureInterval),
        _ => null,
    };

    /// <summary>The unhealthy threshold set on the Service, or null (the provider's default applies).</summary>
    public Located<int>? UnhealthyThreshold => Provider switch
    {
        LoadBalancerProvider.AwsNlb or LoadBalancerProvider.AwsClb => Seconds(AwsUnhealthyThreshold),
        LoadBalancerProvider.Azure => Seconds(AzureProbes),
        _ => null,
    };

    /// <summary>An AWS NLB's deregistration_delay.timeout_seconds from target-group-attributes, or null (300 s by default).</summary>
    public Located<int>? DeregistrationDelay =>
        Provider == LoadBalancerProvider.AwsNlb && Annotation(AwsTargetGroupAttributes) is { } attributes
        && ProviderObjects.KeyValues(attributes.Value).TryGetValue("deregistration_delay.timeout_seconds", out var text)
        && ProviderObjects.Seconds(text) is { } seconds
            ? new Located<int>(seconds, Service.Object, attributes.Node)
            : null;

    /// <summary>The catalogue id of the profile for this provider.</summary>
    public string ProfileId => Provider switch
    {
        LoadBalancerProvider.AwsNlb => "aws-nlb",
        LoadBalancerProvider.AwsClb => "aws-clb",
        LoadBalancerProvider.Gke => "gke-l4",
        LoadBalancerProvider.Azure => "azure-lb",
        LoadBalancerProvider.MetalLb => "metallb",
        _ => "cloud-l4",
    };

    /// <summary>The workload's Services of type LoadBalancer, in link order.</summary>
    public static IReadOnlyList<LoadBalancerService> Of(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return [.. workload.Services.Where(s => s.Type == "LoadBalancer").Select(Classify)];
    }

    /// <summary>Decides a LoadBalancer Service's provider from spec.loadBalancerClass and its annotations.</summary>
    public static LoadBalancerService Classify(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var obj = service.Object;
        EvidenceFact Annotated(string key) => new(EvidenceKind.Annotation, obj.Ref, key, obj.Annotations[key]);
        if (ProviderObjects.StringAt(obj, "spec", "loadBalancerClass")?.Value is { } cls)
        {
            var fact = new EvidenceFact(EvidenceKind.Field, obj.Ref, "spec.loadBalancerClass", cls);
            if (cls == AwsNlbClass)
            {
                return new LoadBalancerService(service, LoadBalancerProvider.AwsNlb, fact);
            }
        }

        if (obj.Annotations.TryGetValue(AwsType, out var type) && type is "nlb" or "external" or "nlb-ip")
        {
            return new LoadBalancerService(service, LoadBalancerProvider.AwsNlb, Annotated(AwsType));
        }

        var keys = obj.Annotations.Keys.Order(StringComparer.Ordinal).ToList();
        if (keys.Find(k => k.StartsWith(AwsPrefix, StringComparison.Ordinal)) is { } aws)
        {
            return new LoadBalancerService(service, LoadBalancerProvider.AwsClb, Annotated(aws));
        }

        if (keys.Find(k => GkeAnnotations.Contains(k)) is { } gke)
        {
            return new LoadBalancerService(service, LoadBalancerProvider.Gke, Annotated(gke));
        }

        if (keys.Find(k => k.StartsWith(AzurePrefix, StringComparison.Ordinal)) is { } azure)
        {
            return new LoadBalancerService(service, LoadBalancerProvider.Azure, Annotated(azure));
        }

        if (keys.Find(k => k.StartsWith("metallb.universe.tf/", StringComparison.Ordinal) || k.StartsWith("metallb.io/", StringComparison.Ordinal)) is { } metallb)
        {
            return new LoadBalancerService(service, LoadBalancerProvider.MetalLb, Annotated(metallb));
        }

        return new LoadBalancerService(service, LoadBalancerProvider.Unknown, new EvidenceFact(EvidenceKind.Field, obj.Ref, "spec.type", "LoadBalancer"));
    }

    private Located<string>? Annotation(string key) => ProviderObjects.Annotation(Service.Object, key);

    private Located<int>? Seconds(string key) =>
        Annotation(key) is { } a && ProviderObjects.Seconds(a.Value) is { } n ? new Located<int>(n, Service.Object, a.Node) : null;
}

/// <summary>Headless Services (clusterIP: None): kube-proxy does not program them; clients resolve pod IPs through DNS.</summary>
public static class HeadlessServices
{
    /// <summary>Whether a Service is headless.</summary>
    public static bool IsHeadless(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return ProviderObjects.StringAt(service.Object, "spec", "clusterIP")?.Value == "None";
    }

    /// <summary>The fact that makes a Service headless.</summary>
    public static EvidenceFact Fact(KubeObject service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return new EvidenceFact(EvidenceKind.Field, service.Ref, "spec.clusterIP", "None");
    }
}
